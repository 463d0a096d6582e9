import { FormatError } from "../../errors.js";
import { type NodeExtent, walkBTreeV1 } from "../btree-v1.js";
import { type ChunkIndexContext, type ChunkSink, chunkBytes, gridOf, stridesOf } from "./types.js";

/**
 * Chunks indexed by a version 1 B-tree (node type 1): each key holds size, filter mask and element offsets.
 * Keys are checked, since nothing else protects them (no checksum): offsets on the chunk grid and inside the
 * maximum shape, the element offset 0, a plausible size, each chunk once, its data outside the node. The HDF5
 * library searches these keys, so a damaged key makes it miss or mistake chunks: fail instead.
 */
export async function btreeV1Chunks(ctx: ChunkIndexContext, sink: ChunkSink): Promise<void> {
  const rank = ctx.chunk.length;
  const keySize = 8 + 8 * (rank + 1);
  const grid = gridOf(ctx.shape, ctx.chunk);
  const strides = stridesOf(grid);
  const plain = chunkBytes(ctx);
  const seen = new Set<number>();
  /** The previous key of the node being read: keys must increase (the library searches them). */
  let previous: { node: number; offsets: number[] } | undefined;
  const keyOffsets = (view: DataView, keyAt: number) =>
    Array.from({ length: rank + 1 }, (_, d) => {
      const at = keyAt + 8 + 8 * d;
      return view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;
    });
  const increasing = (view: DataView, keyAt: number, node: NodeExtent, which: string) => {
    const offsets = keyOffsets(view, keyAt);
    if (previous?.node === node.offset && !lexicallyLess(previous.offsets, offsets))
      throw new FormatError(
        ctx.file.url,
        ctx.object,
        `v1 B-tree chunk key: ${which} key ${offsets.join(",")} does not follow ${previous.offsets.join(",")} (keys must increase)`,
        node.offset,
      );
    previous = { node: node.offset, offsets };
  };
  const onLastKey = (view: DataView, keyAt: number, node: NodeExtent) =>
    increasing(view, keyAt, node, "last");
  await walkBTreeV1(
    ctx.file,
    ctx.address,
    1,
    keySize,
    ctx.object,
    (view, keyAt, child, node) => {
      const fail = (what: string): never => {
        throw new FormatError(ctx.file.url, ctx.object, `v1 B-tree chunk key ${what}`, node.offset);
      };
      increasing(view, keyAt, node, "chunk");
      const size = view.getUint32(keyAt, true);
      const filterMask = view.getUint32(keyAt + 4, true);
      if (!ctx.filtered && size !== plain) fail(`: chunk of ${size} bytes, expected ${plain} (unfiltered)`);
      if (ctx.filtered && (size === 0 || size > 2 * plain + 4096))
        fail(
          `: filtered chunk of ${size} bytes, expected 1 to ${2 * plain + 4096} for ${plain} bytes of data`,
        );
      const offsets: number[] = [];
      for (let d = 0; d <= rank; d++) {
        const at = keyAt + 8 + 8 * d;
        offsets.push(view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32);
      }
      if (offsets[rank] !== 0) fail(`: element offset ${offsets[rank]}, expected 0`);
      let flat = 0;
      let outside = false;
      for (let d = 0; d < rank; d++) {
        const offset = offsets[d] as number;
        const chunk = ctx.chunk[d] as number;
        const max = ctx.maxShape[d] as number;
        if (offset % chunk !== 0)
          fail(`: offset ${offset} in dimension ${d} is not a multiple of the chunk size ${chunk}`);
        if (max >= 0 && offset >= Math.ceil(max / chunk) * chunk)
          fail(`: offset ${offset} in dimension ${d}, expected below the maximum size ${max}`);
        const c = offset / chunk;
        if (c >= (grid[d] as number)) outside = true; // stored before the dataset shrank: not part of it
        flat += c * (strides[d] as number);
      }
      if (outside) return;
      if (seen.has(flat)) fail(`: chunk at offsets ${offsets.slice(0, rank).join(",")} listed twice`);
      seen.add(flat);
      const at = ctx.file.fileOffset(child);
      if (at < node.offset + node.size && at + size > node.offset)
        fail(`: chunk data at byte ${at} lies inside the B-tree node (${node.size} bytes at ${node.offset})`);
      sink(flat, child, size, filterMask);
    },
    onLastKey,
  );
}

function lexicallyLess(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    if ((a[i] as number) !== (b[i] as number)) return (a[i] as number) < (b[i] as number);
  }
  return false;
}
