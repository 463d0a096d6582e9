import { type ChunkIndexContext, chunkBytes, type StoredChunk } from "./types.js";

/** A dataset stored as exactly one chunk (layout v4 single-chunk index): the layout address is the chunk. */
export function singleChunk(ctx: ChunkIndexContext): StoredChunk[] {
  if (ctx.address < 0 || ctx.index.type !== "single") return [];
  return [
    {
      coords: ctx.chunk.map(() => 0),
      address: ctx.address,
      size: ctx.index.filteredSize ?? chunkBytes(ctx),
      filterMask: ctx.index.filterMask ?? 0,
    },
  ];
}
