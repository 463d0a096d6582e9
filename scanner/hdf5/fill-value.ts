import type { JsonValue } from "../../refs/model/index.js";
import { numpyDtype } from "./dtype.js";
import type { RawAttribute } from "./messages/attribute.js";
import type { Datatype } from "./messages/datatype.js";
import { readFloat } from "./values.js";

/** zarr v2's JSON encoding of a fill value given as raw bytes of the dataset's type. */
export function encodeFill(t: Datatype, bytes: Uint8Array | undefined): JsonValue {
  const dtype = numpyDtype(t) ?? "";
  const raw = bytes && bytes.length >= t.size ? bytes.subarray(0, t.size) : new Uint8Array(t.size);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const kind = dtype[1];
  const size = Number(dtype.slice(2)) || t.size;
  const le = dtype[0] !== ">";
  switch (kind) {
    case "b":
      return raw[0] !== 0;
    case "i":
    case "u": {
      if (size === 8) return Number(kind === "i" ? view.getBigInt64(0, le) : view.getBigUint64(0, le));
      if (size === 1) return kind === "i" ? view.getInt8(0) : view.getUint8(0);
      if (size === 2) return kind === "i" ? view.getInt16(0, le) : view.getUint16(0, le);
      return kind === "i" ? view.getInt32(0, le) : view.getUint32(0, le);
    }
    case "f":
      return encodeFloat(readFloat(view, size, !le));
    case "c": {
      const half = size / 2;
      const re = readFloat(new DataView(raw.buffer, raw.byteOffset, half), half, !le);
      const im = readFloat(new DataView(raw.buffer, raw.byteOffset + half, half), half, !le);
      return [encodeFloat(re), encodeFloat(im)];
    }
    case "M":
    case "m":
      return Number(view.getBigInt64(0, le));
    default:
      return null;
  }
}

function encodeFloat(v: number): JsonValue {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "Infinity";
  if (v === Number.NEGATIVE_INFINITY) return "-Infinity";
  return v;
}

/** Fill value of a fixed-length string dataset as kerchunk writes it: base64 of the value, " " when empty. */
export function encodeStringFill(bytes: Uint8Array | undefined): string {
  let end = bytes?.length ?? 0;
  while (end > 0 && bytes?.[end - 1] === 0) end--;
  const value = end > 0 && bytes ? bytes.subarray(0, end) : new Uint8Array([0x20]);
  return Buffer.from(value).toString("base64");
}

/** kerchunk's choice of fill value for a (non-compact, numeric or string) dataset. */
export function kerchunkFill(
  t: Datatype,
  fill: Uint8Array | undefined,
  attrs: RawAttribute[],
  unitsAttr: string | undefined,
): JsonValue {
  const fillAttr = attrs.find((a) => a.name === "_FillValue");
  if (fillAttr && fillAttr.type.kind !== "vlen" && !fillAttr.space.isNull) {
    if (numpyDtype(t)?.startsWith("|S")) return encodeStringFill(fillAttr.data);
    return encodeFill(t, convertFill(fillAttr, t));
  }
  if (numpyDtype(t)?.startsWith("|S")) return encodeStringFill(fill);
  const netcdfVariable = attrs.some((a) => a.name.includes("_Netcdf4"));
  const netcdfTime = unitsAttr?.includes("since") ?? false;
  if (netcdfVariable || netcdfTime) return null;
  return encodeFill(t, fill);
}

/**
 * The _FillValue attribute's bytes in the dataset's type. NetCDF writes it in the variable's own type; when the
 * attribute's type differs (other byte order or size), convert through its numeric value.
 */
function convertFill(a: RawAttribute, t: Datatype): Uint8Array {
  const at = a.type;
  if (at.kind === t.kind && at.size === t.size && sameOrder(at, t)) return a.data;
  const view = new DataView(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  let value = 0;
  if (at.kind === "float") value = readFloat(view, at.size, (at as { bigEndian: boolean }).bigEndian);
  else if (at.kind === "int") {
    const le = !at.bigEndian;
    value =
      at.size === 1
        ? at.signed
          ? view.getInt8(0)
          : view.getUint8(0)
        : at.size === 2
          ? at.signed
            ? view.getInt16(0, le)
            : view.getUint16(0, le)
          : at.size === 4
            ? at.signed
              ? view.getInt32(0, le)
              : view.getUint32(0, le)
            : Number(at.signed ? view.getBigInt64(0, le) : view.getBigUint64(0, le));
  }
  const out = new Uint8Array(t.size);
  const w = new DataView(out.buffer);
  const le = !("bigEndian" in t && t.bigEndian);
  if (t.kind === "float") {
    if (t.size === 4) w.setFloat32(0, value, le);
    else if (t.size === 8) w.setFloat64(0, value, le);
  } else if (t.kind === "int") {
    if (t.size === 1) w.setUint8(0, value & 0xff);
    else if (t.size === 2) w.setUint16(0, value & 0xffff, le);
    else if (t.size === 4) w.setUint32(0, value >>> 0, le);
    else w.setBigInt64(0, BigInt(Math.trunc(value)), le);
  }
  return out;
}

function sameOrder(a: Datatype, b: Datatype): boolean {
  const ab = "bigEndian" in a ? a.bigEndian : false;
  const bb = "bigEndian" in b ? b.bigEndian : false;
  return ab === bb;
}
