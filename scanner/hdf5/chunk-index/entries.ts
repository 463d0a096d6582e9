import type { Cursor } from "../cursor.js";
import { type ChunkIndexContext, chunkBytes, chunkSizeLength } from "./types.js";

/** An element of a fixed/extensible array chunk index: address, and for filtered data the size and mask. */
export interface IndexEntry {
  address: number;
  size: number;
  filterMask: number;
}

/**
 * One entry of `size` bytes (as the index header says). The width of a filtered chunk's size field follows from
 * it: HDF5 1.x writes the minimal width for the chunk size, HDF5 2.0 writes 8 bytes.
 */
export function readEntry(c: Cursor, ctx: ChunkIndexContext, size: number): IndexEntry {
  const address = c.address();
  if (!ctx.filtered) return { address, size: chunkBytes(ctx), filterMask: 0 };
  const chunkSize = c.count(size - ctx.file.offsetSize - 4);
  return { address, size: chunkSize, filterMask: c.u32() };
}

/** Whether an index entry size is plausible for this dataset (address, plus size field and mask if filtered). */
export function validEntrySize(ctx: ChunkIndexContext, size: number): boolean {
  const o = ctx.file.offsetSize;
  if (!ctx.filtered) return size === o;
  const sizeField = size - o - 4;
  return sizeField >= chunkSizeLength(ctx) && sizeField <= 8;
}

/** Whether bit `i` of a page-initialised bitmap is set (most significant bit first). */
export function bitSet(bitmap: Uint8Array, i: number): boolean {
  return (((bitmap[i >> 3] ?? 0) >> (7 - (i & 7))) & 1) === 1;
}
