import type { Cursor } from "../cursor.js";
import { type ChunkIndexContext, chunkBytes, chunkSizeLength } from "./types.js";

/** An element of a fixed/extensible array chunk index: address, and for filtered data the size and mask. */
export interface IndexEntry {
  address: number;
  size: number;
  filterMask: number;
}

export function readEntry(c: Cursor, ctx: ChunkIndexContext): IndexEntry {
  const address = c.address();
  if (!ctx.filtered) return { address, size: chunkBytes(ctx), filterMask: 0 };
  const size = c.count(chunkSizeLength(ctx));
  return { address, size, filterMask: c.u32() };
}

export function entrySize(ctx: ChunkIndexContext): number {
  return ctx.file.offsetSize + (ctx.filtered ? chunkSizeLength(ctx) + 4 : 0);
}

/** Whether bit `i` of a page-initialised bitmap is set (most significant bit first). */
export function bitSet(bitmap: Uint8Array, i: number): boolean {
  return (((bitmap[i >> 3] ?? 0) >> (7 - (i & 7))) & 1) === 1;
}
