/**
 * An independent walk of a TIFF's structure (header, IFD chain, out-of-line tag values), for tests that bound
 * what a header-only scan may read: the byte ranges that hold metadata rather than image data, plus the one
 * data read our scanner makes by design: the short last strip of each plane (height % RowsPerStrip != 0),
 * which it inlines padded to a full chunk. Classic and BigTIFF, either byte order; SubIFDs are not followed
 * (geotiff.js and our scanner don't either).
 */
const TYPE_SIZES: Record<number, number> = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
  13: 4,
  16: 8,
  17: 8,
  18: 8,
};

export interface Range {
  offset: number;
  length: number;
}

/** Every metadata range of the file (and short last strips), in file order. */
export function metadataRanges(bytes: Uint8Array): Range[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = bytes[0] === 0x49;
  const big = view.getUint16(2, le) === 43;
  const u64 = (at: number) => Number(view.getBigUint64(at, le));
  const ranges: Range[] = [{ offset: 0, length: big ? 16 : 8 }];
  const seen = new Set<number>();
  let ifd = big ? u64(8) : view.getUint32(4, le);
  while (ifd !== 0 && !seen.has(ifd) && ifd < bytes.length) {
    seen.add(ifd);
    const count = big ? u64(ifd) : view.getUint16(ifd, le);
    const entrySize = big ? 20 : 12;
    const head = big ? 8 : 2;
    const size = head + count * entrySize + (big ? 8 : 4);
    ranges.push({ offset: ifd, length: size });
    const tags = new Map<number, number[]>();
    for (let i = 0; i < count; i++) {
      const e = ifd + head + i * entrySize;
      const tag = view.getUint16(e, le);
      const type = view.getUint16(e + 2, le);
      const n = big ? u64(e + 4) : view.getUint32(e + 4, le);
      const typeSize = TYPE_SIZES[type] ?? 1;
      const length = n * typeSize;
      const inline = big ? 8 : 4;
      const at = length > inline ? (big ? u64(e + 12) : view.getUint32(e + 8, le)) : e + (big ? 12 : 8);
      if (length > inline) ranges.push({ offset: at, length });
      const read = (k: number) =>
        typeSize === 2
          ? view.getUint16(at + 2 * k, le)
          : typeSize === 8
            ? u64(at + 8 * k)
            : view.getUint32(at + 4 * k, le);
      if ([257, 273, 277, 278, 279, 284].includes(tag) && (type === 3 || type === 4 || type === 16))
        tags.set(
          tag,
          Array.from({ length: n }, (_, k) => read(k)),
        );
    }
    ranges.push(...shortStrips(tags));
    const next = ifd + head + count * entrySize;
    ifd = big ? u64(next) : view.getUint32(next, le);
  }
  return ranges.sort((a, b) => a.offset - b.offset);
}

/** The last strip of each plane when it is short. */
function shortStrips(tags: Map<number, number[]>): Range[] {
  const height = tags.get(257)?.[0];
  const offsets = tags.get(273);
  const counts = tags.get(279);
  const rows = tags.get(278)?.[0] ?? height;
  if (!height || !offsets || !counts || !rows || height % rows === 0) return [];
  const planes = tags.get(284)?.[0] === 2 ? (tags.get(277)?.[0] ?? 1) : 1;
  const perPlane = Math.ceil(height / rows);
  return Array.from({ length: planes }, (_, p) => (p + 1) * perPlane - 1).map((i) => ({
    offset: offsets[i] ?? 0,
    length: counts[i] ?? 0,
  }));
}

/** Bytes of the aligned blocks of `blockSize` that hold any of `ranges`: what a block cache must fetch. */
export function blockBytes(ranges: Range[], blockSize: number): number {
  const blocks = new Set<number>();
  for (const { offset, length } of ranges) {
    for (let b = Math.floor(offset / blockSize); b <= Math.floor((offset + length - 1) / blockSize); b++)
      blocks.add(b);
  }
  return blocks.size * blockSize;
}
