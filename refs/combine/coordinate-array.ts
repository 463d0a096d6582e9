/**
 * The combined concat coordinate, written inline as kerchunk does: one uncompressed chunk holding every value,
 * with the attributes of the first file's coordinate array and the CF encoding the values are in.
 */
import { ChunkTable, type JsonObject, parseDtype } from "../model/index.js";
import type { CfTime } from "./cf-time.js";
import type { Values } from "./coordinates.js";

export interface CoordinateArray {
  zarray: JsonObject;
  zattrs: JsonObject;
  table: ChunkTable;
}

const intRange: Record<string, [number, number]> = {
  i1: [-128, 127],
  i2: [-32768, 32767],
  i4: [-(2 ** 31), 2 ** 31 - 1],
  i8: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  u1: [0, 255],
  u2: [0, 65535],
  u4: [0, 2 ** 32 - 1],
  u8: [0, Number.MAX_SAFE_INTEGER],
};

/** The dtype to write: the source's (little-endian) when it holds every value exactly, else <i8 or <f8. */
export function chooseDtype(values: number[], source: JsonObject | undefined): string {
  const integers = values.every(Number.isInteger);
  const dtype = typeof source?.dtype === "string" ? parseDtype(source.dtype) : undefined;
  if (dtype?.kind === "f" && (dtype.itemsize === 4 || dtype.itemsize === 8)) {
    const f4 = dtype.itemsize === 4 && values.every((v) => Math.fround(v) === v);
    return f4 ? "<f4" : "<f8";
  }
  const key = dtype ? `${dtype.kind}${dtype.itemsize}` : "";
  const range = intRange[key];
  if (integers && range && values.every((v) => v >= range[0] && v <= range[1])) return `<${key}`;
  return integers ? "<i8" : "<f8";
}

export function encodeNumbers(values: number[], dtype: string): Uint8Array {
  const kind = dtype.slice(1);
  const n = values.length;
  const typed =
    kind === "f8"
      ? Float64Array.from(values)
      : kind === "f4"
        ? Float32Array.from(values)
        : kind === "i8"
          ? BigInt64Array.from(values, (v) => BigInt(v))
          : kind === "u8"
            ? BigUint64Array.from(values, (v) => BigInt(v))
            : kind === "i4"
              ? Int32Array.from(values)
              : kind === "u4"
                ? Uint32Array.from(values)
                : kind === "i2"
                  ? Int16Array.from(values)
                  : kind === "u2"
                    ? Uint16Array.from(values)
                    : kind === "i1"
                      ? Int8Array.from(values)
                      : Uint8Array.from(values);
  return new Uint8Array(typed.buffer, 0, n * typed.BYTES_PER_ELEMENT);
}

/** Fixed-width UTF-32LE, numpy's "<U" layout. */
function encodeStrings(values: string[]): { dtype: string; bytes: Uint8Array } {
  const width = Math.max(1, ...values.map((s) => [...s].length));
  const out = new Uint32Array(values.length * width);
  values.forEach((s, i) => {
    [...s].forEach((c, k) => {
      out[i * width + k] = c.codePointAt(0) as number;
    });
  });
  return { dtype: `<U${width}`, bytes: new Uint8Array(out.buffer) };
}

export function coordinateArray(
  dim: string,
  values: Values,
  source: { zarray: JsonObject; zattrs: JsonObject } | undefined,
  time: CfTime | undefined,
  rewriteTime: boolean,
): CoordinateArray {
  const strings = values.length > 0 && typeof values[0] === "string";
  let dtype: string;
  let bytes: Uint8Array;
  if (strings) ({ dtype, bytes } = encodeStrings(values as string[]));
  else {
    dtype = chooseDtype(values as number[], source?.zarray);
    bytes = encodeNumbers(values as number[], dtype);
  }
  const keepFill =
    source && typeof source.zarray.dtype === "string" && source.zarray.dtype.slice(1) === dtype.slice(1);
  const n = values.length;
  const zarray: JsonObject = {
    chunks: [Math.max(1, n)],
    compressor: null,
    dtype,
    fill_value: keepFill ? (source.zarray.fill_value ?? null) : strings ? "" : null,
    filters: null,
    order: "C",
    shape: [n],
    zarr_format: 2,
  };
  const { _ARRAY_DIMENSIONS: _, ...attrs } = source?.zattrs ?? {};
  const zattrs: JsonObject = { _ARRAY_DIMENSIONS: [dim], ...attrs };
  if (time && rewriteTime) {
    zattrs.units = time.units;
    zattrs.calendar = time.calendar;
  }
  const table = new ChunkTable([n === 0 ? 0 : 1]);
  if (n > 0) table.set(0, { kind: "inline", data: bytes });
  return { zarray, zattrs, table };
}
