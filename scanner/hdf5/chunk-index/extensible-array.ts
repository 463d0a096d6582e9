import { FormatError } from "../../errors.js";
import type { Cursor } from "../cursor.js";
import { bitSet, type EntrySink, readEntries, validEntrySize } from "./entries.js";
import { type ChunkIndexContext, type ChunkSink, checkChunkCount, gridOf, stridesOf } from "./types.js";

interface Params {
  elementSize: number;
  idxBlkElmts: number;
  supBlkMinDataPtrs: number;
  pageElmts: number;
  arrOffSize: number;
  superBlocks: Array<{ ndblks: number; dblkElmts: number }>;
  /** Elements ever set: nothing beyond is read. */
  limit: number;
}

/** Where the walk is: the linear index of the next element. */
interface Walk {
  next: number;
  emit: EntrySink;
}

/**
 * Extensible array index (layout v4, one unlimited dimension): elements in the index block, then data blocks
 * addressed from the index block or through super blocks, as in the File Format Specification, section VII.
 */
export async function extensibleArrayChunks(ctx: ChunkIndexContext, sink: ChunkSink): Promise<void> {
  const { file, object } = ctx;
  if (ctx.address < 0) return;
  const h = await file.cursor(
    ctx.address,
    12 + 6 * file.lengthSize + file.offsetSize + 4,
    "extensible array header",
    object,
  );
  file.expectSignature(h, "EAHD", object);
  h.skip(2);
  const elementSize = h.u8();
  const maxBits = h.u8();
  const idxBlkElmts = h.u8();
  const dataBlkMinElmts = h.u8();
  const supBlkMinDataPtrs = h.u8();
  const pageBits = h.u8();
  for (let i = 0; i < 4; i++) h.length();
  const maxIndexSet = h.length();
  h.length();
  const indexBlock = h.address();
  file.verifyChecksum(h, 0, h.pos, "extensible array header", object);
  if (!validEntrySize(ctx, elementSize)) {
    throw new FormatError(
      file.url,
      object,
      `extensible array element size ${elementSize} does not fit this dataset`,
      h.fileOffset,
    );
  }
  checkChunkCount(ctx, maxIndexSet, "extensible array", file.fileOffset(ctx.address));
  if (maxBits > 64 || dataBlkMinElmts < 1 || supBlkMinDataPtrs < 1 || maxBits < Math.log2(dataBlkMinElmts)) {
    throw new FormatError(file.url, object, "extensible array header parameters out of range", h.fileOffset);
  }
  const nsblks = 1 + maxBits - Math.floor(Math.log2(dataBlkMinElmts));
  const superBlocks = Array.from({ length: nsblks }, (_, u) => ({
    ndblks: 2 ** Math.floor(u / 2),
    dblkElmts: 2 ** Math.floor((u + 1) / 2) * dataBlkMinElmts,
  }));
  const p: Params = {
    elementSize,
    idxBlkElmts,
    supBlkMinDataPtrs,
    pageElmts: 2 ** pageBits,
    arrOffSize: Math.ceil(maxBits / 8),
    superBlocks,
    limit: maxIndexSet,
  };
  const toFlat = swizzledMapper(ctx);
  const walk: Walk = {
    next: 0,
    emit: (linear, address, size, mask) => {
      const flat = toFlat(linear);
      if (flat >= 0) sink(flat, address, size, mask);
    },
  };
  if (indexBlock >= 0) await readIndexBlock(ctx, p, indexBlock, walk);
}

async function readIndexBlock(ctx: ChunkIndexContext, p: Params, address: number, walk: Walk): Promise<void> {
  const { file, object } = ctx;
  const iblockSuper = 2 * Math.log2(p.supBlkMinDataPtrs);
  const ndblkAddrs = 2 * (p.supBlkMinDataPtrs - 1);
  const nsblkAddrs = Math.max(0, p.superBlocks.length - iblockSuper);
  const size =
    6 + file.offsetSize + p.idxBlkElmts * p.elementSize + (ndblkAddrs + nsblkAddrs) * file.offsetSize + 4;
  const c = await file.cursor(address, size, "extensible array index block", object);
  file.expectSignature(c, "EAIB", object);
  file.verifyChecksum(c, 0, size - 4, "extensible array index block", object);
  c.skip(2 + file.offsetSize);
  readEntries(c, ctx, p.elementSize, p.idxBlkElmts, walk.next, walk.emit);
  walk.next += p.idxBlkElmts;
  const dblks: number[] = [];
  for (let i = 0; i < ndblkAddrs; i++) dblks.push(c.address());
  const sblks: number[] = [];
  for (let i = 0; i < nsblkAddrs; i++) sblks.push(c.address());
  let d = 0;
  for (let s = 0; s < iblockSuper && s < p.superBlocks.length; s++) {
    const info = p.superBlocks[s] as { ndblks: number; dblkElmts: number };
    for (let k = 0; k < info.ndblks; k++, d++) {
      if (walk.next >= p.limit) return;
      await readDataBlock(ctx, p, dblks[d] ?? -1, info.dblkElmts, undefined, walk);
    }
  }
  for (let s = iblockSuper; s < p.superBlocks.length; s++) {
    if (walk.next >= p.limit) return;
    const info = p.superBlocks[s] as { ndblks: number; dblkElmts: number };
    await readSuperBlock(ctx, p, sblks[s - iblockSuper] ?? -1, info, walk);
  }
}

async function readSuperBlock(
  ctx: ChunkIndexContext,
  p: Params,
  address: number,
  info: { ndblks: number; dblkElmts: number },
  walk: Walk,
): Promise<void> {
  const { file, object } = ctx;
  if (address < 0) {
    walk.next += info.ndblks * info.dblkElmts;
    return;
  }
  const paged = info.dblkElmts > p.pageElmts;
  const bitmapSize = paged ? Math.ceil(info.dblkElmts / p.pageElmts / 8) : 0;
  const size = 6 + file.offsetSize + p.arrOffSize + info.ndblks * (bitmapSize + file.offsetSize) + 4;
  const c = await file.cursor(address, size, "extensible array super block", object);
  file.expectSignature(c, "EASB", object);
  file.verifyChecksum(c, 0, size - 4, "extensible array secondary block", object);
  c.skip(2 + file.offsetSize + p.arrOffSize);
  const bitmaps: Uint8Array[] = [];
  for (let i = 0; i < info.ndblks; i++) bitmaps.push(c.take(bitmapSize));
  const dblks: number[] = [];
  for (let i = 0; i < info.ndblks; i++) dblks.push(c.address());
  for (let i = 0; i < info.ndblks; i++) {
    if (walk.next >= p.limit) return;
    await readDataBlock(ctx, p, dblks[i] as number, info.dblkElmts, paged ? bitmaps[i] : undefined, walk);
  }
}

async function readDataBlock(
  ctx: ChunkIndexContext,
  p: Params,
  address: number,
  count: number,
  bitmap: Uint8Array | undefined,
  walk: Walk,
): Promise<void> {
  const { file, object } = ctx;
  if (address < 0) {
    walk.next += count;
    return;
  }
  const paged = count > p.pageElmts;
  const pages = paged ? count / p.pageElmts : 1;
  const prefix = 6 + file.offsetSize + p.arrOffSize;
  const size = prefix + count * p.elementSize + 4 * (paged ? pages + 1 : 1);
  const c: Cursor = await file.cursor(address, size, "extensible array data block", object);
  file.expectSignature(c, "EADB", object);
  c.skip(2 + file.offsetSize + p.arrOffSize);
  if (!paged) {
    file.verifyChecksum(c, 0, prefix + count * p.elementSize, "extensible array data block", object);
    readEntries(c, ctx, p.elementSize, count, walk.next, walk.emit);
    walk.next += count;
    return;
  }
  file.verifyChecksum(c, 0, prefix, "extensible array data block", object);
  c.skip(4);
  for (let pg = 0; pg < pages; pg++) {
    if (!bitmap || bitSet(bitmap, pg)) {
      const end = c.pos + p.pageElmts * p.elementSize;
      file.verifyChecksum(c, c.pos, end, `extensible array data block page ${pg}`, object);
      readEntries(c, ctx, p.elementSize, p.pageElmts, walk.next, walk.emit);
    } else c.skip(p.pageElmts * p.elementSize);
    walk.next += p.pageElmts;
    c.skip(4);
  }
}

/**
 * Linear element index -> flat chunk index in the current grid. HDF5 counts with the unlimited dimension moved
 * first ("swizzled") and the other dimensions at their maximum extent; -1 when outside the current shape.
 */
function swizzledMapper(ctx: ChunkIndexContext): (linear: number) => number {
  const rank = ctx.shape.length;
  const unlimited = Math.max(
    0,
    ctx.maxShape.findIndex((m) => m < 0),
  );
  const maxGrid = gridOf(
    ctx.maxShape.map((m, d) => (m < 0 ? (ctx.shape[d] as number) : m)),
    ctx.chunk,
  );
  const grid = gridOf(ctx.shape, ctx.chunk);
  const strides = stridesOf(grid);
  const order = [unlimited, ...Array.from({ length: rank }, (_, d) => d).filter((d) => d !== unlimited)];
  return (linear) => {
    let rest = linear;
    let flat = 0;
    for (let k = rank - 1; k >= 1; k--) {
      const d = order[k] as number;
      const n = maxGrid[d] as number;
      const c = rest % n;
      rest = Math.floor(rest / n);
      if (c >= (grid[d] as number)) return -1;
      flat += c * (strides[d] as number);
    }
    const d0 = order[0] as number;
    if (rest >= (grid[d0] as number)) return -1;
    return flat + rest * (strides[d0] as number);
  };
}
