import { walkBTreeV2 } from "../btree-v2.js";
import { type ChunkIndexContext, type ChunkSink, chunkBytes, gridOf, stridesOf } from "./types.js";

/** Chunks indexed by a version 2 B-tree (record type 10 unfiltered, 11 filtered), scaled coordinates in records. */
export async function btreeV2Chunks(ctx: ChunkIndexContext, sink: ChunkSink): Promise<void> {
  if (ctx.address < 0) return;
  const { type, records } = await walkBTreeV2(ctx.file, ctx.address, ctx.object);
  const rank = ctx.chunk.length;
  const grid = gridOf(ctx.shape, ctx.chunk);
  const strides = stridesOf(grid);
  for (const r of records) {
    const address = r.address();
    let size = chunkBytes(ctx);
    let filterMask = 0;
    if (type === 11) {
      // Record = address, chunk size, filter mask, 8 bytes per dimension: the size field is what is left.
      size = r.count(r.bytes.length - ctx.file.offsetSize - 4 - 8 * rank);
      filterMask = r.u32();
    }
    let flat = 0;
    for (let d = 0; d < rank; d++) {
      const c = r.count(8);
      if (c >= (grid[d] as number)) flat = -1;
      else if (flat >= 0) flat += c * (strides[d] as number);
    }
    if (flat >= 0) sink(flat, address, size, filterMask);
  }
}
