/**
 * The last strip of a striped TIFF holds only the rows left (height % RowsPerStrip), but a Zarr chunk must
 * decode to a full chunk. For uncompressed, deflate and PackBits strips we store that one strip inline, padded
 * with zero rows (re-deflated for deflate; PackBits simply gets zero runs appended), so Python and our reader
 * both decode it; the padding lies outside the array. Other compressions have no encoder here: the caller
 * reports the strip instead.
 */
import { deflateSync, inflateSync } from "node:zlib";
import type { JsonObject } from "../../refs/model/index.js";

/** PackBits run packets of zeros adding `n` bytes of output. */
function packbitsZeros(n: number): number[] {
  const out: number[] = [];
  for (; n > 0; n -= Math.min(n, 128)) {
    const run = Math.min(n, 128);
    if (run === 1) out.push(0, 0);
    else out.push(257 - run, 0);
  }
  return out;
}

/** `rawBytes`: what the short strip decodes to; `fullBytes`: what a full chunk decodes to. */
export function paddedStrip(
  stored: Uint8Array,
  compressor: JsonObject | null,
  fullBytes: number,
  rawBytes: number,
): Uint8Array | undefined {
  const pad = (raw: Uint8Array) => {
    const out = new Uint8Array(fullBytes);
    out.set(raw.subarray(0, fullBytes));
    return out;
  };
  if (compressor === null) return pad(stored);
  if (compressor.id === "zlib") return new Uint8Array(deflateSync(pad(new Uint8Array(inflateSync(stored)))));
  if (compressor.id === "imagecodecs_packbits")
    return new Uint8Array([...stored, ...packbitsZeros(fullBytes - rawBytes)]);
  return undefined;
}
