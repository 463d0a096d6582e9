import { type Dtype, parseDtype } from "../model/index.js";

/**
 * Zarr v2 / numpy dtype strings ("<f8", ">i2", "|u1", "|S7", "<U3", "|b1", "<M8[s]", "|O") and how their
 * bytes become JavaScript values: typed arrays for numbers (BigInt64Array for 64-bit integers and datetimes),
 * string[] for fixed-width strings, unknown[] for objects.
 */
export type NumericArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

export type ArrayData = NumericArray | string[] | unknown[];

export { type Dtype, parseDtype };

/** Output element count times lanes, in a fresh array of the dtype's JavaScript type (undefined if unsupported). */
export function allocate(dtype: Dtype, count: number): ArrayData | undefined {
  const n = count * dtype.lanes;
  const { kind, itemsize } = dtype;
  if (kind === "S" || kind === "U") return new Array<string>(n).fill("");
  if (kind === "O") return new Array<unknown>(n).fill(null);
  if (kind === "V") return new Uint8Array(n * itemsize);
  if (kind === "b" && itemsize === 1) return new Uint8Array(n);
  if (kind === "M" || kind === "m") return itemsize === 8 ? new BigInt64Array(n) : undefined;
  if (kind === "c")
    return itemsize === 8 ? new Float32Array(n) : itemsize === 16 ? new Float64Array(n) : undefined;
  if (kind === "f") {
    // float16 becomes Float32Array: Node 20 has no Float16Array.
    if (itemsize === 2 || itemsize === 4) return new Float32Array(n);
    return itemsize === 8 ? new Float64Array(n) : undefined;
  }
  const table: Record<string, Record<number, new (n: number) => NumericArray>> = {
    i: { 1: Int8Array, 2: Int16Array, 4: Int32Array, 8: BigInt64Array },
    u: { 1: Uint8Array, 2: Uint16Array, 4: Uint32Array, 8: BigUint64Array },
  };
  const ctor = table[kind]?.[itemsize];
  return ctor ? new ctor(n) : undefined;
}

function half(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

function trimNul(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0) end--;
  return s.slice(0, end);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** numpy bytes as text: UTF-8 when the bytes are valid UTF-8, else one character per byte (latin1). */
function bytesText(item: Uint8Array): string {
  try {
    return utf8.decode(item);
  } catch {
    return Buffer.from(item.buffer, item.byteOffset, item.length).toString("latin1");
  }
}

/** Decode `count` elements from raw chunk bytes into a new array of the dtype's JavaScript type. */
export function decodeElements(dtype: Dtype, bytes: Uint8Array, count: number): ArrayData {
  const { kind, itemsize } = dtype;
  if (kind === "S" || kind === "U") {
    const out = new Array<string>(count);
    for (let i = 0; i < count; i++) {
      const item = bytes.subarray(i * itemsize, (i + 1) * itemsize);
      out[i] = kind === "S" ? trimNul(bytesText(item)) : utf32(item, dtype.littleEndian);
    }
    return out;
  }
  if (kind === "V") return bytes.slice(0, count * itemsize);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = dtype.littleEndian;
  if (kind === "f" && itemsize === 2) {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = half(view.getUint16(i * 2, le));
    return out;
  }
  const out = allocate(dtype, count) as NumericArray;
  const width = dtype.lanes > 1 ? itemsize / 2 : itemsize;
  if (le && width > 1 && bytes.byteOffset % width === 0) {
    // Fast path: same byte order as the host (little-endian) and aligned.
    const src = new (out.constructor as new (b: ArrayBufferLike, o: number, n: number) => NumericArray)(
      bytes.buffer,
      bytes.byteOffset,
      out.length,
    );
    (out as Float64Array).set(src as Float64Array);
    return out;
  }
  if (width === 1) {
    out.set(bytes.subarray(0, out.length) as never);
    return out;
  }
  // Copy bytes, reversing each element's byte order when the stored order differs from the host's.
  const raw = new Uint8Array(out.buffer);
  for (let i = 0; i < out.length; i++) {
    const base = i * width;
    for (let b = 0; b < width; b++) raw[base + b] = bytes[base + (le ? b : width - 1 - b)] as number;
  }
  return out;
}

function utf32(item: Uint8Array, le: boolean): string {
  const view = new DataView(item.buffer, item.byteOffset, item.byteLength);
  let s = "";
  for (let i = 0; i + 4 <= item.length; i += 4) {
    const cp = view.getUint32(i, le);
    if (cp === 0) break;
    s += String.fromCodePoint(cp);
  }
  return s;
}
