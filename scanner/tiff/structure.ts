/**
 * An own, bounded walk of a TIFF's structure before geotiff.js parses it: the header, every IFD of the main
 * chain and of SubIFD trees (tag 330), each entry's type and the bytes its values occupy. IFDs that loop, lie
 * outside the file or hold values past its end fail here with the IFD and tag named, instead of hanging or
 * growing without bound in geotiff.js (which follows next-IFD offsets without remembering them).
 */
import type { ByteSource, ReadOptions } from "../../refs/storage/index.js";
import { FormatError } from "../errors.js";

/** Bytes per value of each TIFF field type (TIFF 6.0, BigTIFF). */
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

/** Most IFDs a file may hold (main chain and SubIFDs together): far beyond any pyramid of overviews and masks. */
export const MAX_IFDS = 4096;
const MAX_SUBIFD_DEPTH = 8;
const SUB_IFDS = 330;

export interface TiffStructure {
  littleEndian: boolean;
  bigTiff: boolean;
  /** File offsets of the main chain's IFDs, in order. */
  ifds: number[];
  /** Every byte range holding structure (header, IFDs, out-of-line tag values), sorted: no block may overlap one. */
  metadata: MetadataRange[];
}

export interface MetadataRange {
  offset: number;
  length: number;
  /** "header", "IFD 0", "IFD 0, tag 324 (TileOffsets)" */
  what: string;
}

const TAG_NAMES: Record<number, string> = {
  256: "ImageWidth",
  257: "ImageLength",
  258: "BitsPerSample",
  259: "Compression",
  273: "StripOffsets",
  277: "SamplesPerPixel",
  278: "RowsPerStrip",
  279: "StripByteCounts",
  322: "TileWidth",
  323: "TileLength",
  324: "TileOffsets",
  325: "TileByteCounts",
  330: "SubIFDs",
  338: "ExtraSamples",
  339: "SampleFormat",
  347: "JPEGTables",
  33550: "ModelPixelScale",
  33922: "ModelTiepoint",
  34264: "ModelTransformation",
  34735: "GeoKeyDirectory",
  34736: "GeoDoubleParams",
  34737: "GeoAsciiParams",
  42112: "GDAL_METADATA",
  42113: "GDAL_NODATA",
};

/** "tag 278 (RowsPerStrip)" */
export function tagName(tag: number): string {
  const name = TAG_NAMES[tag];
  return name ? `tag ${tag} (${name})` : `tag ${tag}`;
}

export async function readStructure(
  source: ByteSource,
  url: string,
  size: number,
  options?: ReadOptions,
): Promise<TiffStructure> {
  const fail = (object: string, detail: string, offset?: number): never => {
    throw new FormatError(url, object, detail, offset);
  };
  if (size < 8) fail("header", `file of ${size} bytes, expected at least 8 for a TIFF header`, 0);
  const head = await source.fetch(0, Math.min(size, 16), options);
  const order = String.fromCharCode(head[0] ?? 0, head[1] ?? 0);
  if (order !== "II" && order !== "MM")
    fail("header", `byte order ${JSON.stringify(order)}, expected "II" or "MM"`, 0);
  const le = order === "II";
  const hv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const version = hv.getUint16(2, le);
  if (version !== 42 && version !== 43)
    fail("header", `version ${version}, expected 42 (TIFF) or 43 (BigTIFF)`, 2);
  const big = version === 43;
  if (big && (size < 16 || hv.getUint16(4, le) !== 8))
    fail("header", "BigTIFF header: expected offset size 8 and 16 bytes", 4);
  const first = big ? Number(hv.getBigUint64(8, le)) : hv.getUint32(4, le);
  const seen = new Map<number, string>();
  const ifds: number[] = [];
  const metadata: MetadataRange[] = [{ offset: 0, length: big ? 16 : 8, what: "header" }];

  /** Read one IFD at `at`; returns the next IFD's offset and its SubIFD offsets. */
  const readIfd = async (at: number, name: string): Promise<{ next: number; subs: number[] }> => {
    const earlier = seen.get(at);
    if (earlier !== undefined)
      fail(name, `the IFD chain loops: this IFD is at byte ${at}, where ${earlier} is`, at);
    if (seen.size >= MAX_IFDS) fail(name, `more than ${MAX_IFDS} IFDs: corrupt IFD chain?`, at);
    seen.set(at, name);
    const countSize = big ? 8 : 2;
    if (at < 8 || at + countSize > size)
      fail(name, `IFD offset ${at} lies outside the file (${size} bytes)`, at);
    const cv = new DataView((await source.fetch(at, countSize, options)).slice().buffer);
    const count = big ? Number(cv.getBigUint64(0, le)) : cv.getUint16(0, le);
    const entry = big ? 20 : 12;
    const end = at + countSize + count * entry + (big ? 8 : 4);
    if (count === 0) fail(name, "IFD with 0 entries, expected at least one", at);
    if (end > size)
      fail(
        name,
        `IFD of ${count} entries (${end - at} bytes) runs past the end of the file (${size} bytes)`,
        at,
      );
    metadata.push({ offset: at, length: end - at, what: name });
    const bytes = await source.fetch(at + countSize, end - at - countSize, options);
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const subs: number[] = [];
    for (let i = 0; i < count; i++) {
      const e = i * entry;
      const tag = v.getUint16(e, le);
      const type = v.getUint16(e + 2, le);
      const n = big ? Number(v.getBigUint64(e + 4, le)) : v.getUint32(e + 4, le);
      const typeSize = TYPE_SIZES[type];
      const where = `${name}, ${tagName(tag)}`;
      const entryAt = at + countSize + e;
      if (typeSize === undefined) fail(where, `field type ${type}, expected 1 to 13 or 16 to 18`, entryAt);
      const length = n * (typeSize as number);
      const inline = big ? 8 : 4;
      let valueAt = entryAt + (big ? 12 : 8);
      if (length > inline) {
        valueAt = big ? Number(v.getBigUint64(e + 12, le)) : v.getUint32(e + 8, le);
        if (!Number.isSafeInteger(valueAt + length) || valueAt + length > size)
          fail(
            where,
            `${n} values of type ${type} (${length} bytes) at byte ${valueAt} run past the end of the file (${size} bytes)`,
            entryAt,
          );
        metadata.push({ offset: valueAt, length, what: where });
      }
      if (tag === SUB_IFDS && n > 0) {
        if (n > MAX_IFDS) fail(where, `${n} SubIFDs, expected at most ${MAX_IFDS}`, entryAt);
        const raw = await source.fetch(valueAt, length, options);
        const rv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
        for (let k = 0; k < n; k++)
          subs.push(typeSize === 8 ? Number(rv.getBigUint64(8 * k, le)) : rv.getUint32(4 * k, le));
      }
    }
    const next = big ? Number(v.getBigUint64(count * entry, le)) : v.getUint32(count * entry, le);
    return { next, subs };
  };

  const walkSubIfds = async (offsets: number[], parent: string, depth: number): Promise<void> => {
    if (depth > MAX_SUBIFD_DEPTH) fail(parent, `SubIFDs nested deeper than ${MAX_SUBIFD_DEPTH}`);
    for (const [k, start] of offsets.entries()) {
      let at = start;
      for (let j = 0; at !== 0; j++) {
        const name = `${parent} SubIFD ${k}${j > 0 ? `.${j}` : ""}`;
        const { next, subs } = await readIfd(at, name);
        await walkSubIfds(subs, name, depth + 1);
        at = next;
      }
    }
  };

  let at = first;
  if (at === 0) fail("header", "no IFD (first IFD offset 0)", big ? 8 : 4);
  while (at !== 0) {
    const name = `IFD ${ifds.length}`;
    ifds.push(at);
    const { next, subs } = await readIfd(at, name);
    await walkSubIfds(subs, name, 1);
    at = next;
  }
  metadata.sort((a, b) => a.offset - b.offset);
  return { littleEndian: le, bigTiff: big, ifds, metadata };
}

/** A test of whether [offset, offset + length) overlaps any of `ranges` (sorted by offset), naming the first. */
export function overlapChecker(
  ranges: MetadataRange[],
): (offset: number, length: number) => MetadataRange | undefined {
  const maxEnd: number[] = [];
  let end = 0;
  for (const r of ranges) {
    end = Math.max(end, r.offset + r.length);
    maxEnd.push(end);
  }
  return (offset, length) => {
    let lo = 0;
    let hi = ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((ranges[mid] as MetadataRange).offset < offset + length) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0 || (maxEnd[lo - 1] as number) <= offset) return undefined;
    for (let i = lo - 1; i >= 0; i--) {
      const r = ranges[i] as MetadataRange;
      if (r.offset + r.length > offset) return r;
    }
    return undefined;
  };
}
