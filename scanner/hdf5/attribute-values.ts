import type { JsonValue } from "../../refs/model/index.js";
import { isBoolEnum } from "./dtype.js";
import type { RawAttribute } from "./messages/attribute.js";
import { nest, type ValueDecoder } from "./values.js";

/** Attributes kerchunk (via h5netcdf's list) never copies into .zattrs. */
export const HIDDEN_ATTRIBUTES = new Set([
  "REFERENCE_LIST",
  "CLASS",
  "DIMENSION_LIST",
  "NAME",
  "_Netcdf4Dimid",
  "_Netcdf4Coordinates",
  "_nc3_strict",
  "_NCProperties",
]);

/**
 * The JSON value kerchunk writes for an attribute (h5py value, then size-1 arrays to scalars, bytes decoded),
 * or undefined where kerchunk leaves it out (hidden names, numeric _FillValue, types JSON cannot hold).
 */
export async function attributeJson(
  a: RawAttribute,
  decoder: ValueDecoder,
  object: string,
): Promise<JsonValue | undefined> {
  if (HIDDEN_ATTRIBUTES.has(a.name)) return undefined;
  if (a.space.isNull) return "";
  const t = a.type;
  const simpleKinds = ["int", "float", "bitfield", "enum", "string", "vlen"];
  if (!simpleKinds.includes(t.kind)) return undefined;
  if (t.kind === "vlen" && !t.string) return undefined;
  if (t.kind === "enum" && t.base.kind !== "int") return undefined;
  const isString = t.kind === "string" || t.kind === "vlen";
  const scalar = a.space.shape.length === 0;
  if (a.name === "_FillValue" && !(scalar && isString)) return undefined;
  const count = a.space.shape.reduce((x, y) => x * y, 1);
  let values = await decoder.decode(t, a.data, count, object);
  if (isBoolEnum(t)) values = values.map((v) => v === 1);
  let out: JsonValue;
  if (scalar) {
    out = values[0] ?? null;
    if (t.kind === "string" && out === "") out = " ";
  } else if (count === 1) out = values[0] ?? null;
  else out = nest(values, a.space.shape);
  if (out === "DIMENSION_SCALE") return undefined;
  return out;
}
