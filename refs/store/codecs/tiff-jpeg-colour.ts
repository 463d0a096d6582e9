/**
 * Colour handling of TIFF JPEG tiles. geotiff.js's JPEG decoder returns the components as coded, so a
 * photometric-YCbCr tile comes out as YCbCr; imagecodecs (Python) asked for colorspace_data RGB converts, as
 * libjpeg does. We convert the same way: JFIF YCbCr -> RGB for 3-component frames, unless the codec config or an
 * Adobe APP14 marker says the JPEG itself holds RGB.
 */

export interface JpegFrame {
  components: number;
  /** Adobe APP14 colour transform flag (0 = none, i.e. RGB), when present. */
  adobeTransform: number | undefined;
}

/** Walk the markers up to the first SOF to learn the component count. */
export function jpegFrame(bytes: Uint8Array): JpegFrame | undefined {
  let adobeTransform: number | undefined;
  let p = 2; // after SOI
  while (p + 4 <= bytes.length) {
    if (bytes[p] !== 0xff) return undefined;
    const marker = bytes[p + 1] as number;
    const length = ((bytes[p + 2] as number) << 8) | (bytes[p + 3] as number);
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) return { components: bytes[p + 9] ?? 0, adobeTransform };
    if (marker === 0xee && length >= 12 && String.fromCharCode(...bytes.subarray(p + 4, p + 9)) === "Adobe") {
      adobeTransform = bytes[p + 15];
    }
    if (marker === 0xda) return undefined; // scan before any frame header
    p += 2 + length;
  }
  return undefined;
}

/** JFIF YCbCr -> RGB, clamped and rounded like geotiff.js's readRGB (Uint8ClampedArray). */
export function yCbCrToRgb(data: Uint8Array): Uint8Array {
  const out = new Uint8ClampedArray(data.length);
  for (let i = 0; i + 2 < data.length; i += 3) {
    const y = data[i] as number;
    const cb = (data[i + 1] as number) - 128;
    const cr = (data[i + 2] as number) - 128;
    out[i] = y + 1.402 * cr;
    out[i + 1] = y - 0.34414 * cb - 0.71414 * cr;
    out[i + 2] = y + 1.772 * cb;
  }
  return new Uint8Array(out.buffer);
}

/** Does this tile need YCbCr -> RGB to give what the codec config promises? */
export function needsYCbCrToRgb(
  config: { colorspace_data?: unknown; colorspace_jpeg?: unknown },
  frame: JpegFrame | undefined,
): boolean {
  if (config.colorspace_data !== 2 || config.colorspace_jpeg === 2) return false;
  return frame?.components === 3 && frame.adobeTransform !== 0;
}
