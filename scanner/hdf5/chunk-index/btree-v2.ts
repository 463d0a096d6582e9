import { walkBTreeV2 } from "../btree-v2.js";
import { type ChunkIndexContext, chunkBytes, type StoredChunk } from "./types.js";

/** Chunks indexed by a version 2 B-tree (record type 10 unfiltered, 11 filtered), scaled coordinates in records. */
export async function btreeV2Chunks(ctx: ChunkIndexContext): Promise<StoredChunk[]> {
  if (ctx.address < 0) return [];
  const { type, records } = await walkBTreeV2(ctx.file, ctx.address, ctx.object);
  const rank = ctx.chunk.length;
  return records.map((r) => {
    const address = r.address();
    let size = chunkBytes(ctx);
    let filterMask = 0;
    if (type === 11) {
      // Record = address, chunk size, filter mask, 8 bytes per dimension: the size field is what is left.
      size = r.count(r.bytes.length - ctx.file.offsetSize - 4 - 8 * rank);
      filterMask = r.u32();
    }
    const coords: number[] = [];
    for (let d = 0; d < rank; d++) coords.push(r.count(8));
    return { coords, address, size, filterMask };
  });
}
