/**
 * Writes TIFF/BigTIFF files (the demo COG and the TIFF tests), little- or big-endian, tiled or striped, chunky or planar, with
 * deflate/PackBits compression, predictors 2 and 3, sparse blocks, 1-bit masks, overviews and GeoTIFF tags,
 * following the TIFF 6.0 / BigTIFF / GeoTIFF specifications. Image data is given in our array layout:
 * C order over (Y, X, S) for chunky and (S, Y, X) for planar images.
 */
import { deflateSync } from "node:zlib";

export interface GeoSpec {
  scale: [number, number];
  /** Model coordinates of the top-left corner of pixel (0, 0). */
  tie: [number, number];
  epsg?: number;
  geographic?: boolean;
  pixelIsPoint?: boolean;
  citation?: string;
}

export interface ImageSpec {
  width: number;
  height: number;
  samples?: number;
  bits?: 1 | 8 | 16 | 32 | 64;
  /** 1 uint, 2 int, 3 float. */
  format?: 1 | 2 | 3;
  planar?: 1 | 2;
  tile?: [width: number, height: number];
  rowsPerStrip?: number;
  compression?: 1 | 8 | 32773 | number;
  predictor?: 1 | 2 | 3;
  data: ArrayLike<number>;
  subfileType?: number;
  /** Block indexes written as offset 0 / byte count 0. */
  sparse?: number[];
  geo?: GeoSpec;
  nodata?: string;
  /** Raw bytes to store as every block instead of encoding `data` (for odd compressions). */
  rawBlock?: Uint8Array;
  /** More tags, e.g. LercParameters: tag, TIFF type (3 SHORT, 4 LONG, 12 DOUBLE), values. */
  extraTags?: { tag: number; type: number; values: number[] | string }[];
}

export interface TiffSpec {
  littleEndian?: boolean;
  bigTiff?: boolean;
  images: ImageSpec[];
}

type Entry = { tag: number; type: number; values: number[] | string };
const SIZE: Record<number, number> = { 2: 1, 3: 2, 4: 4, 12: 8, 16: 8 };

class Bytes {
  parts: number[] = [];
  constructor(readonly le: boolean) {}
  get length() {
    return this.parts.length;
  }
  put(n: number, size: number, float = false) {
    const b = new Uint8Array(size);
    const v = new DataView(b.buffer);
    if (float) v.setFloat64(0, n, this.le);
    else if (size === 1) v.setUint8(0, n);
    else if (size === 2) v.setUint16(0, n, this.le);
    else if (size === 4) v.setUint32(0, n, this.le);
    else v.setBigUint64(0, BigInt(n), this.le);
    for (const x of b) this.parts.push(x);
  }
  raw(b: ArrayLike<number>) {
    for (let i = 0; i < b.length; i++) this.parts.push(b[i] as number);
  }
  align() {
    while (this.parts.length % 2) this.parts.push(0);
  }
}

function sampleBytes(value: number, bits: number, format: number, le: boolean): Uint8Array {
  const out = new Uint8Array(bits / 8);
  const v = new DataView(out.buffer);
  if (format === 3) bits === 32 ? v.setFloat32(0, value, le) : v.setFloat64(0, value, le);
  else if (bits === 8) format === 2 ? v.setInt8(0, value) : v.setUint8(0, value);
  else if (bits === 16) format === 2 ? v.setInt16(0, value, le) : v.setUint16(0, value, le);
  else if (bits === 32) format === 2 ? v.setInt32(0, value, le) : v.setUint32(0, value, le);
  else format === 2 ? v.setBigInt64(0, BigInt(value), le) : v.setBigUint64(0, BigInt(value), le);
  return out;
}

export function packbitsEncode(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < data.length; ) {
    let run = 1;
    while (i + run < data.length && run < 128 && data[i + run] === data[i]) run++;
    if (run >= 3) {
      out.push(257 - run, data[i] as number);
      i += run;
      continue;
    }
    const start = i;
    while (i < data.length && i - start < 128 && !(data[i + 1] === data[i] && data[i + 2] === data[i])) i++;
    if (i === start) i++;
    out.push(i - start - 1, ...data.subarray(start, i));
  }
  return new Uint8Array(out);
}

/** Bytes of one block (tile or strip) of one plane, before compression. */
function blockBytes(
  img: ImageSpec,
  le: boolean,
  plane: number,
  x0: number,
  y0: number,
  bw: number,
  bh: number,
): Uint8Array {
  const spp = img.samples ?? 1;
  const bits = img.bits ?? 8;
  const format = img.format ?? 1;
  const planar = (img.planar ?? 1) === 2 && spp > 1;
  const perPixel = planar ? 1 : spp;
  const values: number[] = [];
  for (let y = y0; y < y0 + bh; y++) {
    for (let x = x0; x < x0 + bw; x++) {
      for (let s = 0; s < perPixel; s++) {
        const inside = x < img.width && y < img.height;
        const index = planar ? (plane * img.height + y) * img.width + x : (y * img.width + x) * spp + s;
        values.push(inside ? (img.data[index] as number) : 0);
      }
    }
  }
  const rowValues = bw * perPixel;
  if (bits === 1) {
    const rowBytes = Math.ceil(bw / 8);
    const out = new Uint8Array(rowBytes * bh);
    values.forEach((v, i) => {
      const r = Math.floor(i / bw);
      const c = i % bw;
      const k = r * rowBytes + (c >> 3);
      if (v) out[k] = (out[k] ?? 0) | (0x80 >> (c & 7));
    });
    return out;
  }
  const predictor = img.predictor ?? 1;
  const size = bits / 8;
  if (predictor === 3) {
    const out = new Uint8Array(values.length * size);
    for (let r = 0; r < bh; r++) {
      const row = new Uint8Array(rowValues * size);
      for (let v = 0; v < rowValues; v++) {
        const be = sampleBytes(values[r * rowValues + v] as number, bits, format, false);
        for (let b = 0; b < size; b++) row[b * rowValues + v] = be[b] as number;
      }
      for (let i = row.length - 1; i >= perPixel; i--)
        row[i] = ((row[i] as number) - (row[i - perPixel] as number)) & 0xff;
      out.set(row, r * row.length);
    }
    return out;
  }
  if (predictor === 2) {
    const mod = 2 ** bits;
    for (let r = 0; r < bh; r++) {
      for (let i = rowValues - 1; i >= perPixel; i--) {
        const k = r * rowValues + i;
        values[k] = ((((values[k] as number) - (values[k - perPixel] as number)) % mod) + mod) % mod;
      }
    }
  }
  const out = new Uint8Array(values.length * size);
  for (let i = 0; i < values.length; i++) {
    out.set(sampleBytes(values[i] as number, bits, predictor === 2 ? 1 : format, le), i * size);
  }
  return out;
}

function geoEntries(geo: GeoSpec): Entry[] {
  const keys: number[][] = [
    [1024, 0, 1, geo.geographic ? 2 : 1],
    [1025, 0, 1, geo.pixelIsPoint ? 2 : 1],
  ];
  const ascii = geo.citation ? `${geo.citation}|` : "";
  if (geo.citation) keys.push([1026, 34737, ascii.length, 0]);
  if (geo.epsg !== undefined) keys.push([geo.geographic ? 2048 : 3072, 0, 1, geo.epsg]);
  keys.sort((a, b) => (a[0] as number) - (b[0] as number));
  const entries: Entry[] = [
    { tag: 33550, type: 12, values: [geo.scale[0], geo.scale[1], 0] },
    { tag: 33922, type: 12, values: [0, 0, 0, geo.tie[0], geo.tie[1], 0] },
    { tag: 34735, type: 3, values: [1, 1, 0, keys.length, ...keys.flat()] },
  ];
  if (ascii) entries.push({ tag: 34737, type: 2, values: ascii });
  return entries;
}

/** The file's bytes and, per image, the offsets/byte counts written for its blocks. */
export function writeTiff(spec: TiffSpec): {
  bytes: Uint8Array;
  blocks: { offsets: number[]; counts: number[] }[];
} {
  const le = spec.littleEndian ?? true;
  const big = spec.bigTiff ?? false;
  const out = new Bytes(le);
  out.raw(le ? [0x49, 0x49] : [0x4d, 0x4d]);
  out.put(big ? 43 : 42, 2);
  if (big) {
    out.put(8, 2);
    out.put(0, 2);
  }
  const firstIfdPointer = out.length;
  out.put(0, big ? 8 : 4);
  const blocks: { offsets: number[]; counts: number[] }[] = [];
  const ifdEntries: Entry[][] = [];
  for (const img of spec.images) {
    const spp = img.samples ?? 1;
    const planes = (img.planar ?? 1) === 2 && spp > 1 ? spp : 1;
    const [bw, bh] = img.tile ?? [img.width, img.rowsPerStrip ?? img.height];
    const across = Math.ceil(img.width / bw);
    const down = Math.ceil(img.height / bh);
    const offsets: number[] = [];
    const counts: number[] = [];
    for (let p = 0; p < planes; p++) {
      for (let r = 0; r < down; r++) {
        for (let c = 0; c < across; c++) {
          const index = offsets.length;
          if (img.sparse?.includes(index)) {
            offsets.push(0);
            counts.push(0);
            continue;
          }
          const rows = img.tile ? bh : Math.min(bh, img.height - r * bh);
          const raw = blockBytes(img, le, p, c * bw, r * bh, bw, rows);
          const compression = img.compression ?? 1;
          const stored =
            img.rawBlock ??
            (compression === 8
              ? new Uint8Array(deflateSync(raw))
              : compression === 32773
                ? packbitsEncode(raw)
                : raw);
          out.align();
          offsets.push(out.length);
          counts.push(stored.length);
          out.raw(stored);
        }
      }
    }
    blocks.push({ offsets, counts });
    const longType = big ? 16 : 4;
    const entries: Entry[] = [
      { tag: 254, type: 4, values: [img.subfileType ?? 0] },
      { tag: 256, type: 4, values: [img.width] },
      { tag: 257, type: 4, values: [img.height] },
      { tag: 258, type: 3, values: new Array(spp).fill(img.bits ?? 8) },
      { tag: 259, type: 3, values: [img.compression ?? 1] },
      { tag: 262, type: 3, values: [img.subfileType === 4 ? 4 : spp >= 3 ? 2 : 1] },
      { tag: 277, type: 3, values: [spp] },
      { tag: 284, type: 3, values: [img.planar ?? 1] },
      { tag: 339, type: 3, values: new Array(spp).fill(img.format ?? 1) },
    ];
    if (img.predictor && img.predictor !== 1) entries.push({ tag: 317, type: 3, values: [img.predictor] });
    if (img.tile) {
      entries.push({ tag: 322, type: 4, values: [bw] }, { tag: 323, type: 4, values: [bh] });
      entries.push(
        { tag: 324, type: longType, values: offsets },
        { tag: 325, type: longType, values: counts },
      );
    } else {
      entries.push({ tag: 273, type: longType, values: offsets }, { tag: 278, type: 4, values: [bh] });
      entries.push({ tag: 279, type: longType, values: counts });
    }
    if (img.geo) entries.push(...geoEntries(img.geo));
    if (img.extraTags) entries.push(...img.extraTags);
    if (img.nodata !== undefined) entries.push({ tag: 42113, type: 2, values: `${img.nodata}\0` });
    entries.sort((a, b) => a.tag - b.tag);
    ifdEntries.push(entries);
  }
  // IFDs after the data, each followed by its out-of-line values
  let pointerAt = firstIfdPointer;
  for (const entries of ifdEntries) {
    out.align();
    const ifdStart = out.length;
    const patch = new Bytes(le);
    patch.put(ifdStart, big ? 8 : 4);
    out.parts.splice(pointerAt, patch.length, ...patch.parts);
    const entrySize = big ? 20 : 12;
    const inlineSize = big ? 8 : 4;
    const tableSize = (big ? 8 : 2) + entries.length * entrySize + (big ? 8 : 4);
    let extra = ifdStart + tableSize;
    const extras: number[][] = [];
    out.put(entries.length, big ? 8 : 2);
    for (const e of entries) {
      const count = typeof e.values === "string" ? e.values.length : e.values.length;
      const data = new Bytes(le);
      if (typeof e.values === "string") data.raw(Buffer.from(e.values, "latin1"));
      else for (const v of e.values) data.put(v, SIZE[e.type] as number, e.type === 12);
      out.put(e.tag, 2);
      out.put(e.type, 2);
      out.put(count, big ? 8 : 4);
      if (data.length <= inlineSize) {
        out.raw(data.parts);
        for (let i = data.length; i < inlineSize; i++) out.parts.push(0);
      } else {
        out.put(extra, inlineSize);
        extras.push(data.parts);
        extra += data.length + (data.length % 2);
      }
    }
    pointerAt = out.length;
    out.put(0, big ? 8 : 4);
    for (const x of extras) {
      out.raw(x);
      out.align();
    }
  }
  return { bytes: new Uint8Array(out.parts), blocks };
}
