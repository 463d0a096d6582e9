/**
 * The last strip of a striped TIFF holds only the rows left (height % RowsPerStrip), but a Zarr chunk must
 * decode to a full chunk. For uncompressed and deflate strips we store that one strip inline, padded with zero
 * rows (re-deflated for deflate), so Python and our reader both decode it; the padding lies outside the array.
 * Other compressions have no encoder here: the caller reports the strip instead.
 */
import { deflateSync, inflateSync } from "node:zlib";
import type { JsonObject } from "../../refs/model/reference-set.js";

export function paddedStrip(
  stored: Uint8Array,
  compressor: JsonObject | null,
  fullBytes: number,
): Uint8Array | undefined {
  const pad = (raw: Uint8Array) => {
    const out = new Uint8Array(fullBytes);
    out.set(raw.subarray(0, fullBytes));
    return out;
  };
  if (compressor === null) return pad(stored);
  if (compressor.id === "zlib") return new Uint8Array(deflateSync(pad(new Uint8Array(inflateSync(stored)))));
  return undefined;
}
