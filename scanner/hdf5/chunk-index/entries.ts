import type { Cursor } from "../cursor.js";
import { type ChunkIndexContext, chunkBytes, chunkSizeLength } from "./types.js";

/** Receives an element of a fixed/extensible array index by its linear index. */
export type EntrySink = (linear: number, address: number, size: number, filterMask: number) => void;

/**
 * Read `count` entries of `size` bytes (as the index header says), numbering them from `first`. An entry is
 * an address and, for filtered data, the chunk's stored size and filter mask. The width of the size field
 * follows from the entry size: HDF5 1.x writes the minimal width for the chunk size, HDF5 2.0 writes 8 bytes.
 */
export function readEntries(
  c: Cursor,
  ctx: ChunkIndexContext,
  size: number,
  count: number,
  first: number,
  sink: EntrySink,
): void {
  const o = ctx.file.offsetSize;
  const plain = chunkBytes(ctx);
  const sizeField = size - o - 4;
  for (let i = 0; i < count; i++) {
    const address = c.address();
    if (!ctx.filtered) {
      if (address >= 0) sink(first + i, address, plain, 0);
      continue;
    }
    const chunkSize = c.count(sizeField);
    const mask = c.u32();
    if (address >= 0) sink(first + i, address, chunkSize, mask);
  }
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
