import { FormatError } from "../../errors.js";
import { bitSet, type IndexEntry, readEntry, validEntrySize } from "./entries.js";
import {
  type ChunkIndexContext,
  checkChunkCount,
  gridOf,
  inGrid,
  type StoredChunk,
  unflatten,
} from "./types.js";

/** Fixed array index (layout v4, no unlimited dimension): one entry per chunk, optionally in pages. */
export async function fixedArrayChunks(ctx: ChunkIndexContext): Promise<StoredChunk[]> {
  const { file, object } = ctx;
  if (ctx.address < 0) return [];
  const h = await file.cursor(
    ctx.address,
    16 + file.lengthSize + file.offsetSize,
    "fixed array header",
    object,
  );
  file.expectSignature(h, "FAHD", object);
  h.skip(2);
  const size = h.u8();
  const pageBits = h.u8();
  const count = h.length();
  const dataBlock = h.address();
  if (!validEntrySize(ctx, size)) {
    throw new FormatError(
      file.url,
      object,
      `fixed array entry size ${size} does not fit this dataset`,
      h.fileOffset,
    );
  }
  checkChunkCount(ctx, count, "fixed array");
  if (dataBlock < 0) return [];
  const pageSize = 2 ** pageBits;
  const paged = count > pageSize;
  const pages = Math.ceil(count / pageSize);
  const bitmapSize = paged ? Math.ceil(pages / 8) : 0;
  const prefix = 6 + file.offsetSize + bitmapSize;
  const total = paged ? prefix + 4 + count * size + pages * 4 : prefix + count * size + 4;
  const c = await file.cursor(dataBlock, total, "fixed array data block", object);
  file.expectSignature(c, "FADB", object);
  c.skip(2 + file.offsetSize);
  const bitmap = c.take(bitmapSize);
  const entries: Array<IndexEntry | undefined> = [];
  if (!paged) {
    for (let i = 0; i < count; i++) entries.push(readEntry(c, ctx, size));
  } else {
    c.skip(4);
    for (let p = 0; p < pages; p++) {
      const n = Math.min(pageSize, count - p * pageSize);
      if (!bitSet(bitmap, p)) {
        for (let i = 0; i < n; i++) entries.push(undefined);
        c.skip(n * size + 4);
        continue;
      }
      for (let i = 0; i < n; i++) entries.push(readEntry(c, ctx, size));
      c.skip(4);
    }
  }
  const maxGrid = gridOf(
    ctx.maxShape.map((m, d) => (m < 0 ? (ctx.shape[d] as number) : m)),
    ctx.chunk,
  );
  const grid = gridOf(ctx.shape, ctx.chunk);
  const out: StoredChunk[] = [];
  entries.forEach((e, i) => {
    if (!e || e.address < 0) return;
    const coords = unflatten(i, maxGrid);
    if (inGrid(coords, grid)) out.push({ coords, ...e });
  });
  return out;
}
