import {
  type ChunkIndexContext,
  type ChunkSink,
  checkChunkCount,
  chunkBytes,
  gridOf,
  maxGridMapper,
} from "./types.js";

/** Implicit index (early allocation, no filters): chunk i of the maximum-shape grid is at address + i * size. */
export function implicitChunks(ctx: ChunkIndexContext, sink: ChunkSink): void {
  if (ctx.address < 0) return;
  const size = chunkBytes(ctx);
  const maxGrid = gridOf(
    ctx.maxShape.map((m, d) => (m < 0 ? (ctx.shape[d] as number) : m)),
    ctx.chunk,
  );
  const total = maxGrid.reduce((a, b) => a * b, 1);
  checkChunkCount(ctx, total, "implicit index", ctx.file.fileOffset(ctx.address));
  const toFlat = maxGridMapper(ctx);
  for (let i = 0; i < total; i++) {
    const flat = toFlat(i);
    if (flat >= 0) sink(flat, ctx.address + i * size, size, 0);
  }
}
