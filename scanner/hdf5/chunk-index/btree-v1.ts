import { walkBTreeV1 } from "../btree-v1.js";
import { type ChunkIndexContext, type ChunkSink, gridOf, stridesOf } from "./types.js";

/** Chunks indexed by a version 1 B-tree (node type 1): each key holds size, filter mask and element offsets. */
export async function btreeV1Chunks(ctx: ChunkIndexContext, sink: ChunkSink): Promise<void> {
  const rank = ctx.chunk.length;
  const keySize = 8 + 8 * (rank + 1);
  const grid = gridOf(ctx.shape, ctx.chunk);
  const strides = stridesOf(grid);
  await walkBTreeV1(ctx.file, ctx.address, 1, keySize, ctx.object, (view, keyAt, child) => {
    const size = view.getUint32(keyAt, true);
    const filterMask = view.getUint32(keyAt + 4, true);
    let flat = 0;
    for (let d = 0; d < rank; d++) {
      const at = keyAt + 8 + 8 * d;
      const offset = view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;
      const c = Math.floor(offset / (ctx.chunk[d] as number));
      if (c >= (grid[d] as number)) return;
      flat += c * (strides[d] as number);
    }
    sink(flat, child, size, filterMask);
  });
}
