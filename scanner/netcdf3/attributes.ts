/**
 * NetCDF3 attribute values as JSON (what netCDF4-python/xarray show: a number for one value, an array for
 * several, a string for char), and the Zarr fill_value of a variable (kerchunk's rule: missing_value, else
 * _FillValue, else, unlike kerchunk's null, NetCDF's default fill for the type unless turned off).
 */
import type { JsonValue } from "../../refs/model/index.js";
import { type NcAttribute, type NcVariable, utf8 } from "./header.js";
import type { NcType } from "./types.js";

/** Decoded numbers of an attribute (bigints only where a 64-bit value is outside the safe range). */
export function attributeNumbers(attr: NcAttribute): (number | bigint)[] {
  const view = new DataView(attr.bytes.buffer, attr.bytes.byteOffset, attr.bytes.byteLength);
  const out: (number | bigint)[] = [];
  for (let i = 0; i < attr.count; i++) {
    const v = attr.type.read(view, i * attr.type.size);
    out.push(
      typeof v === "bigint" && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(v)
        : v,
    );
  }
  return out;
}

/** JSON has no NaN/Infinity: write them as the strings Zarr v2 uses for fill values. */
function jsonNumber(v: number | bigint): JsonValue {
  if (typeof v === "bigint") return v.toString();
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "Infinity";
  if (v === Number.NEGATIVE_INFINITY) return "-Infinity";
  return v;
}

/** Char attributes: text, with the trailing NULs some writers pad with removed. */
function charText(bytes: Uint8Array): string {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  return utf8(bytes.subarray(0, end));
}

export function attributeValue(attr: NcAttribute): JsonValue {
  if (attr.type.code === 2) return charText(attr.bytes);
  const values = attributeNumbers(attr).map(jsonNumber);
  return values.length === 1 ? (values[0] as JsonValue) : values;
}

/** Attributes kerchunk moves into fill_value instead of .zattrs. */
export const FILL_ATTRIBUTES = new Set(["_FillValue", "missing_value"]);

/** A fill value as JSON, or a bigint where only the exact integer text will do (scan.ts writes it). */
export type FillValue = JsonValue | bigint;

function castFill(v: number | bigint, type: NcType): FillValue {
  if (type.dtype.includes("f")) return jsonNumber(typeof v === "bigint" ? Number(v) : v);
  if (typeof v === "bigint") return v;
  return Number.isFinite(v) ? Math.trunc(v) : null;
}

export function fillValue(variable: NcVariable, useDefault: boolean): FillValue {
  const attr =
    variable.attributes.find((a) => a.name === "missing_value") ??
    variable.attributes.find((a) => a.name === "_FillValue");
  if (attr) {
    // scipy (so kerchunk) strips trailing NULs from char values: a "\0" fill becomes "" (base64 of nothing).
    if (variable.type.code === 2)
      return Buffer.from(new TextEncoder().encode(charText(attr.bytes)).subarray(0, 1)).toString("base64");
    const first = attributeNumbers(attr)[0];
    if (first === undefined) return null;
    return castFill(first, variable.type);
  }
  if (!useDefault) return null;
  const fill = variable.type.defaultFill;
  if (variable.type.code === 2) return Buffer.from([Number(fill)]).toString("base64");
  return castFill(fill, variable.type);
}
