/**
 * TIFF Compression + Predictor -> Zarr compressor and filters with ids Python can decode: numcodecs ids where
 * numcodecs has the codec (zlib, zstd), else imagecodecs' ids, with the parameters tifffile writes for kerchunk.
 */

import { registerErrors } from "../../refs/errors.js";
import type { JsonObject, JsonValue } from "../../refs/model/index.js";
import type { IfdInfo } from "./ifd.js";

export interface Codecs {
  compressor: JsonObject | null;
  filters: JsonObject[] | null;
}

/** Compression codes and names, for messages about unsupported ones. */
export const COMPRESSION_NAMES: Record<number, string> = {
  1: "none",
  2: "CCITT RLE",
  3: "CCITT Group 3",
  4: "CCITT Group 4",
  5: "LZW",
  6: "old-style JPEG",
  7: "JPEG",
  8: "Adobe Deflate",
  32773: "PackBits",
  32946: "Deflate",
  34887: "LERC",
  34925: "LZMA",
  50000: "ZSTD",
  50001: "WebP",
  50002: "JPEG XL",
};

/** A compression (or predictor) with no codec id to write. */
export class UnsupportedCompression extends Error {
  constructor(readonly feature: string) {
    super(feature);
  }
}

/** JPEG colour spaces as tifffile chooses them (jpeg_decode_colorspace): libjpeg converts YCbCr to RGB. */
function jpegColorspaces(ifd: IfdInfo): [JsonValue, JsonValue] {
  if (ifd.extraSamples.length > 0) return [null, null];
  const jfif = ifd.jpegTables !== undefined && Buffer.from(ifd.jpegTables).includes("JFIF");
  let colorspace: JsonValue = null;
  let out: JsonValue = null;
  if (ifd.photometric === 6) out = 2;
  else if (ifd.photometric === 2) {
    if (!jfif) colorspace = 2;
    out = 2;
  } else if (ifd.photometric === 5) out = 4;
  if (ifd.planar !== 1) out = 1;
  return [colorspace, out];
}

function compressor(ifd: IfdInfo): JsonObject | null {
  switch (ifd.compression) {
    case 1:
      return null;
    case 5:
      return { id: "imagecodecs_lzw" };
    case 7: {
      const [colorspaceJpeg, colorspaceData] = jpegColorspaces(ifd);
      return {
        bitspersample: ifd.bitsPerSample[0] ?? 8,
        colorspace_data: colorspaceData,
        colorspace_jpeg: colorspaceJpeg,
        header: null,
        id: "imagecodecs_jpeg",
        tables: ifd.jpegTables ? Buffer.from(ifd.jpegTables).toString("base64") : null,
      };
    }
    case 8:
    case 32946:
      return { id: "zlib" };
    case 32773:
      return { id: "imagecodecs_packbits" };
    case 50000:
      return { id: "zstd" };
    case 50001:
      // libwebp stores opaque RGBA tiles without alpha; imagecodecs then returns RGB unless told otherwise
      return ifd.samples === 4 ? { hasalpha: true, id: "imagecodecs_webp" } : { id: "imagecodecs_webp" };
    case 34925:
      return { id: "imagecodecs_lzma" };
    case 34887:
      return { id: "imagecodecs_lerc" };
    default: {
      const name = COMPRESSION_NAMES[ifd.compression] ?? "unknown";
      throw new UnsupportedCompression(`TIFF compression ${ifd.compression} (${name})`);
    }
  }
}

/** LERC with an additional deflate/zstd layer: that layer is the compressor, LERC a filter after it. */
function lercCodecs(ifd: IfdInfo): Codecs {
  const extra = ifd.lercParameters?.[1] ?? 0;
  const lerc = { id: "imagecodecs_lerc" };
  if (extra === 0) return { compressor: lerc, filters: null };
  if (extra === 1) return { compressor: { id: "zlib" }, filters: [lerc] };
  if (extra === 2) return { compressor: { id: "zstd" }, filters: [lerc] };
  throw new UnsupportedCompression(`LERC with additional compression ${extra}`);
}

export function tiffCodecs(ifd: IfdInfo, chunks: number[], dtype: string): Codecs {
  const base = ifd.compression === 34887 ? lercCodecs(ifd) : { compressor: compressor(ifd), filters: null };
  if (ifd.predictor === 1 || ifd.compression === 7 || ifd.compression === 50001) return base;
  // Horizontal differencing runs along X; in a chunky multi-sample block X is the second-last axis.
  const axis = ifd.planar === 1 && ifd.samples > 1 ? -2 : -1;
  const id =
    ifd.predictor === 2 ? "imagecodecs_delta" : ifd.predictor === 3 ? "imagecodecs_floatpred" : undefined;
  if (!id) throw new UnsupportedCompression(`TIFF predictor ${ifd.predictor}`);
  const filter: JsonObject = { axis, dist: 1, dtype, id, shape: chunks };
  return { compressor: base.compressor, filters: [...(base.filters ?? []), filter] };
}

registerErrors({ UnsupportedCompression });
