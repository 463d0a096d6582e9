import type { JsonObject } from "../../model/index.js";
import { type ArrayData, allocate, decodeElements, parseDtype } from "../dtype.js";
import type { Codec } from "./registry.js";

/**
 * numcodecs "delta" and "fixedscaleoffset", which work on numbers: the stored bytes are read as one dtype and
 * written back as (possibly another) dtype, so they fit our bytes-to-bytes codec shape.
 */
function dtypeOf(config: JsonObject, field: string, fallback?: string) {
  const text = typeof config[field] === "string" ? (config[field] as string) : fallback;
  const dtype = text ? parseDtype(text) : undefined;
  if (!dtype || !"iuf".includes(dtype.kind))
    throw new Error(`${String(config.id)}: unsupported ${field} ${JSON.stringify(text)}`);
  return dtype;
}

function encode(values: ArrayLike<number | bigint>, text: string): Uint8Array {
  const dtype = parseDtype(text)!;
  const out = new Uint8Array(values.length * dtype.itemsize);
  const view = new DataView(out.buffer);
  const le = dtype.littleEndian;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number | bigint;
    const at = i * dtype.itemsize;
    const n = Number(v);
    if (dtype.kind === "f") {
      if (dtype.itemsize === 4) view.setFloat32(at, n, le);
      else view.setFloat64(at, n, le);
    } else if (dtype.itemsize === 8) {
      const b = typeof v === "bigint" ? v : BigInt(Math.round(n));
      if (dtype.kind === "u") view.setBigUint64(at, BigInt.asUintN(64, b), le);
      else view.setBigInt64(at, BigInt.asIntN(64, b), le);
    } else {
      const setters: Record<string, (o: number, x: number, le: boolean) => void> = {
        i1: (o, x) => view.setInt8(o, x),
        u1: (o, x) => view.setUint8(o, x),
        i2: (o, x, e) => view.setInt16(o, x, e),
        u2: (o, x, e) => view.setUint16(o, x, e),
        i4: (o, x, e) => view.setInt32(o, x, e),
        u4: (o, x, e) => view.setUint32(o, x, e),
      };
      setters[`${dtype.kind}${dtype.itemsize}`]?.(at, n, le);
    }
  }
  return out;
}

function asNumbers(data: ArrayData): Array<number | bigint> {
  return Array.from(data as ArrayLike<number | bigint>);
}

/** numcodecs Delta: stored values are differences; decode is a running sum in `dtype` (wrapping for integers). */
export function deltaCodec(config: JsonObject): Codec {
  const dtype = dtypeOf(config, "dtype");
  const astype = dtypeOf(config, "astype", dtype.text);
  return {
    decode(bytes) {
      const diffs = decodeElements(astype, bytes, bytes.length / astype.itemsize) as ArrayLike<
        number | bigint
      >;
      // A typed array of the dtype wraps integer sums exactly as numpy does.
      const sums = allocate({ ...dtype, littleEndian: true }, diffs.length) as unknown as Array<
        number | bigint
      >;
      const big =
        typeof sums[0] === "bigint" || (diffs.length === 0 && dtype.itemsize === 8 && dtype.kind !== "f");
      for (let i = 0; i < diffs.length; i++) {
        const d = diffs[i] as number | bigint;
        const prev = i === 0 ? (big ? 0n : 0) : (sums[i - 1] as number | bigint);
        sums[i] = big ? (prev as bigint) + BigInt(d) : (prev as number) + Number(d);
      }
      return encode(sums, dtype.text);
    },
  };
}

/** numcodecs FixedScaleOffset: stored = round((x - offset) * scale) as `astype`; decode = stored / scale + offset. */
export function fixedScaleOffsetCodec(config: JsonObject): Codec {
  const dtype = dtypeOf(config, "dtype");
  const astype = dtypeOf(config, "astype", dtype.text);
  const scale = Number(config.scale ?? 1);
  const offset = Number(config.offset ?? 0);
  return {
    decode(bytes) {
      const stored = asNumbers(decodeElements(astype, bytes, bytes.length / astype.itemsize));
      return encode(
        stored.map((v) => Number(v) / scale + offset),
        dtype.text,
      );
    },
    encode(bytes) {
      const values = asNumbers(decodeElements(dtype, bytes, bytes.length / dtype.itemsize));
      return encode(
        values.map((v) => Math.round((Number(v) - offset) * scale)),
        astype.text,
      );
    },
  };
}
