import { FormatError } from "../../errors.js";
import { bitSet, readEntries, validEntrySize } from "./entries.js";
import { type ChunkIndexContext, type ChunkSink, checkChunkCount, maxGridMapper } from "./types.js";

/** Fixed array index (layout v4, no unlimited dimension): one entry per chunk, optionally in pages. */
export async function fixedArrayChunks(ctx: ChunkIndexContext, sink: ChunkSink): Promise<void> {
  const { file, object } = ctx;
  if (ctx.address < 0) return;
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
  file.verifyChecksum(h, 0, h.pos, "fixed array header", object);
  if (!validEntrySize(ctx, size)) {
    throw new FormatError(
      file.url,
      object,
      `fixed array entry size ${size} does not fit this dataset`,
      h.fileOffset,
    );
  }
  checkChunkCount(ctx, count, "fixed array", file.fileOffset(ctx.address));
  if (dataBlock < 0) return;
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
  const toFlat = maxGridMapper(ctx);
  const emit = (linear: number, address: number, chunkSize: number, mask: number) => {
    const flat = toFlat(linear);
    if (flat >= 0) sink(flat, address, chunkSize, mask);
  };
  if (!paged) {
    file.verifyChecksum(c, 0, prefix + count * size, "fixed array data block", object);
    readEntries(c, ctx, size, count, 0, emit);
    return;
  }
  file.verifyChecksum(c, 0, prefix, "fixed array data block", object);
  c.skip(4);
  for (let p = 0; p < pages; p++) {
    const n = Math.min(pageSize, count - p * pageSize);
    if (bitSet(bitmap, p)) {
      file.verifyChecksum(c, c.pos, c.pos + n * size, `fixed array data block page ${p}`, object);
      readEntries(c, ctx, size, n, p * pageSize, emit);
    } else c.skip(n * size);
    c.skip(4);
  }
}
