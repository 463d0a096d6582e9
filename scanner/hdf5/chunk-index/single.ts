import { type ChunkIndexContext, type ChunkSink, chunkBytes } from "./types.js";

/** A dataset stored as exactly one chunk (layout v4 single-chunk index): the layout address is the chunk. */
export function singleChunk(ctx: ChunkIndexContext, sink: ChunkSink): void {
  if (ctx.address < 0 || ctx.index.type !== "single") return;
  sink(0, ctx.address, ctx.index.filteredSize ?? chunkBytes(ctx), ctx.index.filterMask ?? 0);
}
