import type { JsonValue } from "../../refs/model/index.js";
import { FormatError } from "../errors.js";
import { Cursor } from "./cursor.js";
import type { HdfFile } from "./file.js";
import type { GlobalHeaps } from "./global-heap.js";
import type { Datatype } from "./messages/datatype.js";

/** Decodes stored values (attributes, variable-length strings) into JSON values the way h5py + tolist() would. */
export class ValueDecoder {
  constructor(
    private readonly file: HdfFile,
    private readonly heaps: GlobalHeaps,
  ) {}

  /**
   * `count` values of type `t` from `bytes`. `nulls`: what a variable-length value with no heap object (address
   * 0) is: "refuse" for stored data (see `one`), "empty" for fill values made up of zeros.
   */
  async decode(
    t: Datatype,
    bytes: Uint8Array,
    count: number,
    object: string,
    nulls: NullVlen = "refuse",
  ): Promise<JsonValue[]> {
    if (count * t.size > bytes.length) {
      throw new RangeError(
        `${count} values of ${t.size} bytes need more than the ${bytes.length} bytes stored`,
      );
    }
    const out: JsonValue[] = [];
    for (let i = 0; i < count; i++)
      out.push(await this.one(t, bytes.subarray(i * t.size, (i + 1) * t.size), object, nulls));
    return out;
  }

  async one(t: Datatype, b: Uint8Array, object: string, nulls: NullVlen = "refuse"): Promise<JsonValue> {
    if (!hasVlen(t)) return decodeFixed(t, b);
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    switch (t.kind) {
      case "int":
      case "bitfield":
        return readInt(view, t.size, t.kind === "int" && t.signed, t.bigEndian);
      case "float":
        return readFloat(view, t.size, t.bigEndian);
      case "enum":
        return this.one(t.base, b, object, nulls);
      case "string":
        return fixedString(b, t.padding);
      case "vlen": {
        const c = new Cursor(b, 0, this.file.offsetSize, this.file.lengthSize);
        const length = c.u32();
        const address = c.address();
        const index = c.u32();
        if (address <= 0 && length > 0 && nulls === "refuse") {
          // HDF5 writes a NULL value (h5py and kerchunk read it as "", real files hold them) with length 0 and
          // address 0. A length with no heap address is no value HDF5 writes: a damaged heap ID.
          const what = t.string ? "variable-length string" : "variable-length sequence";
          throw new FormatError(
            this.file.url,
            object,
            `${what} value of length ${length} with no global heap object (heap address ${address < 0 ? "undefined" : 0}): a damaged heap ID, expected a global heap collection address (or length 0 for a NULL value)`,
          );
        }
        if (length === 0 || address <= 0) return t.string ? "" : [];
        const data = await this.heaps.get(address, index, object);
        if (t.string) return new TextDecoder().decode(data.subarray(0, length * t.base.size));
        return this.decode(t.base, data, length, object);
      }
      case "array": {
        const n = t.dims.reduce((a, x) => a * x, 1);
        const flat = await this.decode(t.base, b, n, object, nulls);
        return nest(flat, t.dims);
      }
      case "compound": {
        const out: JsonValue[] = [];
        for (const m of t.members)
          out.push(await this.one(m.type, b.subarray(m.offset, m.offset + m.type.size), object, nulls));
        return out;
      }
      default:
        return null;
    }
  }
}

/** What a variable-length value with a NULL heap ID becomes: refused (stored data) or empty (made-up fill). */
export type NullVlen = "refuse" | "empty";

/** Whether values of this type point into heaps (so decoding needs reads). */
export function hasVlen(t: Datatype): boolean {
  if (t.kind === "vlen") return true;
  if (t.kind === "array" || t.kind === "enum") return hasVlen(t.base);
  if (t.kind === "compound") return t.members.some((m) => hasVlen(m.type));
  return false;
}

const utf8 = new TextDecoder();

/** One value of a type without variable-length parts, synchronously (a hot path for embedded records). */
export function decodeFixed(t: Datatype, b: Uint8Array): JsonValue {
  return fixedAt(t, new DataView(b.buffer, b.byteOffset, b.byteLength), 0);
}

/** The value of type `t` at byte `at` of `view`. */
export function fixedAt(t: Datatype, view: DataView, at: number): JsonValue {
  switch (t.kind) {
    case "int":
    case "bitfield":
      return intAt(view, at, t.size, t.kind === "int" && t.signed, !t.bigEndian);
    case "float": {
      const le = !t.bigEndian;
      if (t.size === 4) return view.getFloat32(at, le);
      if (t.size === 8) return view.getFloat64(at, le);
      return readFloat(new DataView(view.buffer, view.byteOffset + at, t.size), t.size, t.bigEndian);
    }
    case "enum":
      return fixedAt(t.base, view, at);
    case "string": {
      const b = new Uint8Array(view.buffer, view.byteOffset + at, t.size);
      let end = b.length;
      while (end > 0 && (b[end - 1] === 0 || (t.padding === 2 && b[end - 1] === 0x20))) end--;
      return utf8.decode(b.subarray(0, end));
    }
    case "array": {
      const n = t.dims.reduce((a, x) => a * x, 1);
      const flat: JsonValue[] = [];
      for (let i = 0; i < n; i++) flat.push(fixedAt(t.base, view, at + i * t.base.size));
      return nest(flat, t.dims);
    }
    case "compound": {
      const out = new Array<JsonValue>(t.members.length);
      for (let i = 0; i < t.members.length; i++) {
        const m = t.members[i] as { offset: number; type: Datatype };
        out[i] = fixedAt(m.type, view, at + m.offset);
      }
      return out;
    }
    default:
      return null;
  }
}

function intAt(view: DataView, at: number, size: number, signed: boolean, le: boolean): number {
  switch (size) {
    case 1:
      return signed ? view.getInt8(at) : view.getUint8(at);
    case 2:
      return signed ? view.getInt16(at, le) : view.getUint16(at, le);
    case 4:
      return signed ? view.getInt32(at, le) : view.getUint32(at, le);
    case 8:
      return Number(signed ? view.getBigInt64(at, le) : view.getBigUint64(at, le));
    default:
      return 0;
  }
}

function readInt(view: DataView, size: number, signed: boolean, bigEndian: boolean): number {
  const le = !bigEndian;
  switch (size) {
    case 1:
      return signed ? view.getInt8(0) : view.getUint8(0);
    case 2:
      return signed ? view.getInt16(0, le) : view.getUint16(0, le);
    case 4:
      return signed ? view.getInt32(0, le) : view.getUint32(0, le);
    case 8:
      return Number(signed ? view.getBigInt64(0, le) : view.getBigUint64(0, le));
    default:
      return 0;
  }
}

export function readFloat(view: DataView, size: number, bigEndian: boolean): number {
  const le = !bigEndian;
  if (size === 4) return view.getFloat32(0, le);
  if (size === 8) return view.getFloat64(0, le);
  if (size === 2) return float16(view.getUint16(0, le));
  return Number.NaN;
}

function float16(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/**
 * h5py's view of a fixed-length string: HDF5 converts to null padding (so space padding, type 2, is
 * stripped) and numpy drops trailing nulls.
 */
export function fixedString(b: Uint8Array, padding: number): string {
  let end = b.length;
  while (end > 0 && (b[end - 1] === 0 || (padding === 2 && b[end - 1] === 0x20))) end--;
  return new TextDecoder().decode(b.subarray(0, end));
}

/** Nest a flat C-order list into dimensions. */
export function nest(flat: JsonValue[], dims: readonly number[]): JsonValue {
  if (dims.length <= 1) return flat;
  const [first, ...rest] = dims as [number, ...number[]];
  const size = rest.reduce((a, b) => a * b, 1);
  const out: JsonValue[] = [];
  for (let i = 0; i < first; i++) out.push(nest(flat.slice(i * size, (i + 1) * size), rest));
  return out;
}
