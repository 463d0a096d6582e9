import { FormatError } from "../../errors.js";
import type { Cursor } from "../cursor.js";
import { bitSet, type IndexEntry, readEntry, validEntrySize } from "./entries.js";
import {
  type ChunkIndexContext,
  checkChunkCount,
  gridOf,
  inGrid,
  MAX_CHUNKS,
  type StoredChunk,
} from "./types.js";

interface Params {
  elementSize: number;
  idxBlkElmts: number;
  dataBlkMinElmts: number;
  supBlkMinDataPtrs: number;
  pageElmts: number;
  arrOffSize: number;
  superBlocks: Array<{ ndblks: number; dblkElmts: number }>;
}

/**
 * Extensible array index (layout v4, one unlimited dimension): elements in the index block, then data blocks
 * addressed from the index block or through super blocks, as in the File Format Specification, section VII.
 */
export async function extensibleArrayChunks(ctx: ChunkIndexContext): Promise<StoredChunk[]> {
  const { file, object } = ctx;
  if (ctx.address < 0) return [];
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
  if (!validEntrySize(ctx, elementSize)) {
    throw new FormatError(
      file.url,
      object,
      `extensible array element size ${elementSize} does not fit this dataset`,
      h.fileOffset,
    );
  }
  checkChunkCount(ctx, maxIndexSet, "extensible array");
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
    dataBlkMinElmts,
    supBlkMinDataPtrs,
    pageElmts: 2 ** pageBits,
    arrOffSize: Math.ceil(maxBits / 8),
    superBlocks,
  };
  const entries: Array<IndexEntry | undefined> = [];
  if (indexBlock >= 0) await readIndexBlock(ctx, p, indexBlock, maxIndexSet, entries);
  return toChunks(ctx, entries);
}

async function readIndexBlock(
  ctx: ChunkIndexContext,
  p: Params,
  address: number,
  limit: number,
  out: Array<IndexEntry | undefined>,
): Promise<void> {
  const { file, object } = ctx;
  const iblockSuper = 2 * Math.log2(p.supBlkMinDataPtrs);
  const ndblkAddrs = 2 * (p.supBlkMinDataPtrs - 1);
  const nsblkAddrs = Math.max(0, p.superBlocks.length - iblockSuper);
  const size =
    6 + file.offsetSize + p.idxBlkElmts * p.elementSize + (ndblkAddrs + nsblkAddrs) * file.offsetSize + 4;
  const c = await file.cursor(address, size, "extensible array index block", object);
  file.expectSignature(c, "EAIB", object);
  c.skip(2 + file.offsetSize);
  for (let i = 0; i < p.idxBlkElmts; i++) out.push(readEntry(c, ctx, p.elementSize));
  const dblks: number[] = [];
  for (let i = 0; i < ndblkAddrs; i++) dblks.push(c.address());
  const sblks: number[] = [];
  for (let i = 0; i < nsblkAddrs; i++) sblks.push(c.address());
  let d = 0;
  for (let s = 0; s < iblockSuper && s < p.superBlocks.length; s++) {
    const info = p.superBlocks[s] as { ndblks: number; dblkElmts: number };
    for (let k = 0; k < info.ndblks; k++, d++) {
      if (out.length >= limit) return;
      await readDataBlock(ctx, p, dblks[d] ?? -1, info.dblkElmts, undefined, out);
    }
  }
  for (let s = iblockSuper; s < p.superBlocks.length; s++) {
    if (out.length >= limit) return;
    const info = p.superBlocks[s] as { ndblks: number; dblkElmts: number };
    await readSuperBlock(ctx, p, sblks[s - iblockSuper] ?? -1, info, out, limit);
  }
}

async function readSuperBlock(
  ctx: ChunkIndexContext,
  p: Params,
  address: number,
  info: { ndblks: number; dblkElmts: number },
  out: Array<IndexEntry | undefined>,
  limit: number,
): Promise<void> {
  const { file, object } = ctx;
  if (address < 0) {
    for (let i = 0; i < info.ndblks * info.dblkElmts && out.length < limit; i++) out.push(undefined);
    return;
  }
  const paged = info.dblkElmts > p.pageElmts;
  const bitmapSize = paged ? Math.ceil(info.dblkElmts / p.pageElmts / 8) : 0;
  const size = 6 + file.offsetSize + p.arrOffSize + info.ndblks * (bitmapSize + file.offsetSize) + 4;
  const c = await file.cursor(address, size, "extensible array super block", object);
  file.expectSignature(c, "EASB", object);
  c.skip(2 + file.offsetSize + p.arrOffSize);
  const bitmaps: Uint8Array[] = [];
  for (let i = 0; i < info.ndblks; i++) bitmaps.push(c.take(bitmapSize));
  const dblks: number[] = [];
  for (let i = 0; i < info.ndblks; i++) dblks.push(c.address());
  for (let i = 0; i < info.ndblks; i++) {
    if (out.length >= limit) return;
    await readDataBlock(ctx, p, dblks[i] as number, info.dblkElmts, paged ? bitmaps[i] : undefined, out);
  }
}

async function readDataBlock(
  ctx: ChunkIndexContext,
  p: Params,
  address: number,
  count: number,
  bitmap: Uint8Array | undefined,
  out: Array<IndexEntry | undefined>,
): Promise<void> {
  const { file, object } = ctx;
  if (address < 0) {
    for (let i = 0; i < count && out.length < MAX_CHUNKS; i++) out.push(undefined);
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
    for (let i = 0; i < count; i++) out.push(readEntry(c, ctx, p.elementSize));
    return;
  }
  c.skip(4);
  for (let pg = 0; pg < pages; pg++) {
    if (bitmap && !bitSet(bitmap, pg)) {
      for (let i = 0; i < p.pageElmts; i++) out.push(undefined);
      c.skip(p.pageElmts * p.elementSize + 4);
      continue;
    }
    for (let i = 0; i < p.pageElmts; i++) out.push(readEntry(c, ctx, p.elementSize));
    c.skip(4);
  }
}

/** Map linear element indexes to chunk coordinates: the unlimited dimension is moved first ("swizzled"). */
function toChunks(ctx: ChunkIndexContext, entries: Array<IndexEntry | undefined>): StoredChunk[] {
  const unlimited = Math.max(
    0,
    ctx.maxShape.findIndex((m) => m < 0),
  );
  const rank = ctx.shape.length;
  const maxGrid = gridOf(
    ctx.maxShape.map((m, d) => (m < 0 ? (ctx.shape[d] as number) : m)),
    ctx.chunk,
  );
  const order = [unlimited, ...Array.from({ length: rank }, (_, d) => d).filter((d) => d !== unlimited)];
  const grid = gridOf(ctx.shape, ctx.chunk);
  const out: StoredChunk[] = [];
  entries.forEach((e, i) => {
    if (!e || e.address < 0) return;
    const coords = new Array<number>(rank).fill(0);
    let rest = i;
    for (let k = rank - 1; k >= 1; k--) {
      const d = order[k] as number;
      coords[d] = rest % (maxGrid[d] as number);
      rest = Math.floor(rest / (maxGrid[d] as number));
    }
    coords[order[0] as number] = rest;
    if (inGrid(coords, grid)) out.push({ coords, ...e });
  });
  return out;
}
