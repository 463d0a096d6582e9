import {
  type ChunkIndexContext,
  checkChunkCount,
  chunkBytes,
  gridOf,
  inGrid,
  type StoredChunk,
  unflatten,
} from "./types.js";

/** Implicit index (early allocation, no filters): chunk i of the maximum-shape grid is at address + i * size. */
export function implicitChunks(ctx: ChunkIndexContext): StoredChunk[] {
  if (ctx.address < 0) return [];
  const size = chunkBytes(ctx);
  const maxGrid = gridOf(
    ctx.maxShape.map((m, d) => (m < 0 ? (ctx.shape[d] as number) : m)),
    ctx.chunk,
  );
  const grid = gridOf(ctx.shape, ctx.chunk);
  const total = maxGrid.reduce((a, b) => a * b, 1);
  checkChunkCount(ctx, total, "implicit index");
  const out: StoredChunk[] = [];
  for (let i = 0; i < total; i++) {
    const coords = unflatten(i, maxGrid);
    if (inGrid(coords, grid)) out.push({ coords, address: ctx.address + i * size, size, filterMask: 0 });
  }
  return out;
}
