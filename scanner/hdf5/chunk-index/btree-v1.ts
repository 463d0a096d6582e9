import { walkBTreeV1 } from "../btree-v1.js";
import type { ChunkIndexContext, StoredChunk } from "./types.js";

/** Chunks indexed by a version 1 B-tree (node type 1): each key holds size, filter mask and element offsets. */
export async function btreeV1Chunks(ctx: ChunkIndexContext): Promise<StoredChunk[]> {
  const rank = ctx.chunk.length;
  const keySize = 8 + 8 * (rank + 1);
  const entries = await walkBTreeV1(ctx.file, ctx.address, 1, keySize, ctx.object);
  return entries.map(({ key, child }) => {
    const size = key.u32();
    const filterMask = key.u32();
    const coords: number[] = [];
    for (let d = 0; d < rank; d++) coords.push(Math.floor(key.count(8) / (ctx.chunk[d] as number)));
    return { coords, address: child, size, filterMask };
  });
}
