import type { JsonValue } from "../model/index.js";
import type { Dtype } from "./dtype.js";

/**
 * The value of one element of a missing chunk, from .zarray's fill_value: numbers, "NaN"/"Infinity"/"-Infinity",
 * booleans, [re, im] for complex, base64 for bytes (|S, |V). null means "no fill value": zeros, as zarr-python
 * and xarray read it. Returns one value per lane.
 */
export function fillValues(dtype: Dtype, fill: JsonValue | undefined, literal?: string): unknown[] {
  const { kind } = dtype;
  if (kind === "O") return [fill ?? null];
  if (kind === "S" || kind === "V") {
    const bytes = typeof fill === "string" ? Buffer.from(fill, "base64") : Buffer.alloc(0);
    return kind === "S" ? [bytes.toString("utf8").replace(/\0+$/, "")] : [bytes];
  }
  if (kind === "U") return [typeof fill === "string" ? fill : ""];
  if (kind === "c") {
    const parts = Array.isArray(fill) ? fill : [fill, 0];
    return parts.slice(0, 2).map(number);
  }
  const value = kind === "b" ? (fill ? 1 : 0) : number(fill ?? 0);
  if (kind === "M" || kind === "m" || ((kind === "i" || kind === "u") && dtype.itemsize === 8)) {
    // The literal as written keeps 64-bit values exact (JSON numbers round above 2^53).
    if (literal !== undefined)
      return [kind === "u" ? BigInt.asUintN(64, BigInt(literal)) : BigInt.asIntN(64, BigInt(literal))];
    return [bigint(value, kind === "u")];
  }
  return [value];
}

function number(v: JsonValue | undefined): number {
  if (typeof v === "number") return v;
  if (v === "NaN") return Number.NaN;
  if (v === "Infinity") return Number.POSITIVE_INFINITY;
  if (v === "-Infinity") return Number.NEGATIVE_INFINITY;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) return Number(v);
  return 0;
}

function bigint(value: number, unsigned: boolean): bigint {
  if (!Number.isFinite(value)) return 0n;
  // JSON numbers beyond 2^53 have already lost precision; clamp to the type's range rather than wrap around.
  const max = unsigned ? 2n ** 64n - 1n : 2n ** 63n - 1n;
  const min = unsigned ? 0n : -(2n ** 63n);
  const b = BigInt(Math.trunc(value));
  return b > max ? max : b < min ? min : b;
}
