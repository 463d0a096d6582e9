/**
 * What one IFD's tags say, checked against each other and the file before any chunk table is allocated:
 * sizes present and positive, one BitsPerSample/SampleFormat value per sample, as many offsets and byte counts as
 * the image has tiles or strips, and uncompressed blocks as large as their pixels. Each error names the IFD and
 * tag, what was expected and what was found.
 */
import { FormatError } from "../errors.js";
import type { IfdInfo } from "./ifd.js";
import { tagName } from "./structure.js";

/** Largest decoded tile or strip accepted (a reader must hold one in memory). */
const MAX_BLOCK_BYTES = 2 ** 30;
const MAX_SIDE = 2 ** 31;

export function blockCount(ifd: IfdInfo): number {
  const planes = ifd.planar === 2 ? ifd.samples : 1;
  const across = ifd.tiled ? Math.ceil(ifd.width / ifd.blockWidth) : 1;
  return across * Math.ceil(ifd.height / ifd.blockHeight) * planes;
}

export function checkIfd(ifd: IfdInfo, url: string): void {
  const name = `IFD ${ifd.index}`;
  const fail = (tag: number | undefined, detail: string): never => {
    throw new FormatError(url, tag === undefined ? name : `${name}, ${tagName(tag)}`, detail);
  };
  const positive = (tag: number, value: number, max: number) => {
    if (!Number.isInteger(value) || value < 1 || value > max)
      fail(tag, `${Number.isNaN(value) ? "missing" : value}, expected an integer from 1 to ${max}`);
  };
  positive(256, ifd.width, MAX_SIDE);
  positive(257, ifd.height, MAX_SIDE);
  positive(277, ifd.samples, 65535);
  if (ifd.tiled) {
    positive(322, ifd.blockWidth, MAX_SIDE);
    positive(323, ifd.blockHeight, MAX_SIDE);
    // TIFF 6.0, section 15: TileWidth and TileLength "must be a multiple of 16". libtiff only warns, but a
    // tile size off that grid is how a damaged tag shows on a one-tile level, where the grid cannot tell.
    for (const [tag, value] of [
      [322, ifd.blockWidth],
      [323, ifd.blockHeight],
    ] as const) {
      if (value % 16 !== 0) fail(tag, `${value}, expected a multiple of 16 (TIFF 6.0, section 15)`);
    }
  } else positive(278, ifd.rowsPerStrip, 2 ** 32 - 1);
  if (ifd.planar !== 1 && ifd.planar !== 2) fail(284, `${ifd.planar}, expected 1 (chunky) or 2 (planar)`);
  // TIFF 6.0: BitsPerSample has N = SamplesPerPixel values; SampleFormat too, or none (then 1 = unsigned)
  if (ifd.bitsPerSample.length !== ifd.samples)
    fail(258, `${ifd.bitsPerSample.length} values, expected one per sample (SamplesPerPixel ${ifd.samples})`);
  if (ifd.sampleFormat.length !== ifd.samples && ifd.sampleFormat.length !== 1)
    fail(339, `${ifd.sampleFormat.length} values, expected one per sample (SamplesPerPixel ${ifd.samples})`);
  if (ifd.extraSamples.length >= ifd.samples && ifd.extraSamples.length > 0)
    fail(338, `${ifd.extraSamples.length} extra samples, expected fewer than SamplesPerPixel ${ifd.samples}`);
  const bits = Math.max(...ifd.bitsPerSample);
  const perPixel = ifd.planar === 2 ? 1 : ifd.samples;
  const rowBytes = Math.ceil((ifd.blockWidth * bits * perPixel) / 8);
  const blockBytes = rowBytes * ifd.blockHeight;
  if (blockBytes > MAX_BLOCK_BYTES)
    fail(
      undefined,
      `a ${ifd.tiled ? "tile" : "strip"} of ${ifd.blockWidth}x${ifd.blockHeight} pixels of ${perPixel} x ${bits} bits is ${blockBytes} bytes, expected at most ${MAX_BLOCK_BYTES}`,
    );
  const expected = blockCount(ifd);
  const [offsetsTag, countsTag] = ifd.tiled ? [324, 325] : [273, 279];
  const what = `${expected} ${ifd.tiled ? "tiles" : "strips"} (${ifd.width}x${ifd.height} pixels in blocks of ${ifd.blockWidth}x${ifd.blockHeight}${ifd.planar === 2 ? `, ${ifd.samples} planes` : ""})`;
  if (ifd.offsets.length !== expected) fail(offsetsTag, `${ifd.offsets.length} values, expected ${what}`);
  if (ifd.byteCounts.length !== expected)
    fail(countsTag, `${ifd.byteCounts.length} values, expected ${what}`);
  if (ifd.compression !== 1) return;
  const perPlane = expected / (ifd.planar === 2 ? ifd.samples : 1);
  const down = Math.ceil(ifd.height / ifd.blockHeight);
  ifd.byteCounts.forEach((n, i) => {
    if (n === 0 || ifd.offsets[i] === 0) return; // sparse
    const lastRow = Math.floor((i % perPlane) / (perPlane / down)) === down - 1;
    const rows = lastRow && !ifd.tiled ? ifd.height - (down - 1) * ifd.blockHeight : ifd.blockHeight;
    const need = rowBytes * rows;
    if (n < need)
      fail(
        countsTag,
        `block ${i} holds ${n} bytes, expected ${need} for ${ifd.blockWidth}x${rows} uncompressed pixels of ${perPixel} x ${bits} bits`,
      );
  });
}
