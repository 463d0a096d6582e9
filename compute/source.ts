import type { JsonObject, JsonValue, ReferenceSet } from "../refs/model/index.js";
import { fillValueMarksMissing } from "./cf/fill.js";
import { ComputeConfigError } from "./errors.js";

/** A numeric typed array holding C-order values of a region. */
export type NumericArray =
  | Float64Array
  | Float32Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** Half-open region per dimension: start[d] <= index < stop[d]. */
export interface Region {
  start: number[];
  stop: number[];
}

/**
 * How compute reads values through the references: the C-order values of `region` of the array at `arrayPath`.
 * refs/store's readArray fits this once bound to a reference set and an opener.
 */
export type ArrayReader = (arrayPath: string, region: Region) => Promise<NumericArray | ArrayLike<number>>;

/** What compute needs to know of one array from its Zarr metadata. */
export interface ArrayInfo {
  path: string;
  shape: number[];
  chunks: number[];
  dtype: string;
  fillValue: JsonValue;
  /** The fill_value marks missing data (false for a GeoTIFF without nodata, whose fill_value is a plain 0). */
  fillMarksMissing?: boolean;
  dims: string[];
  attrs: JsonObject;
}

export function arrayInfo(refs: ReferenceSet, path: string): ArrayInfo {
  const zarray = refs.metadata.get(`${path}/.zarray`);
  if (!zarray) {
    const arrays = [...refs.metadata.keys()]
      .filter((k) => k.endsWith("/.zarray"))
      .map((k) => k.slice(0, -"/.zarray".length))
      .sort();
    throw new ComputeConfigError(
      "variables",
      `no array "${path}" in the reference set (its arrays: ${arrays.join(", ")})`,
    );
  }
  const attrs = refs.metadata.get(`${path}/.zattrs`) ?? {};
  const shape = (zarray.shape as number[]) ?? [];
  const dimsValue = attrs._ARRAY_DIMENSIONS;
  const dims = Array.isArray(dimsValue) ? dimsValue.map(String) : shape.map((_, i) => `dim_${i}`);
  return {
    path,
    shape,
    chunks: (zarray.chunks as number[]) ?? shape,
    dtype: String(zarray.dtype),
    fillValue: zarray.fill_value ?? null,
    fillMarksMissing: fillValueMarksMissing(refs, path, attrs, zarray.fill_value ?? null),
    dims,
    attrs,
  };
}

/** Path of an array next to `path` (same group), e.g. sibling("g/t2m", "lat") = "g/lat". */
export function siblingPath(path: string, name: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? name : `${path.slice(0, slash + 1)}${name}`;
}

export function hasArray(refs: ReferenceSet, path: string): boolean {
  return refs.metadata.has(`${path}/.zarray`);
}

/** Read a whole (small) coordinate array as float64. */
export async function readWhole(read: ArrayReader, info: ArrayInfo): Promise<Float64Array> {
  const data = await read(info.path, { start: info.shape.map(() => 0), stop: [...info.shape] });
  return toFloat64(data);
}

export function toFloat64(data: NumericArray | ArrayLike<number>): Float64Array {
  if (data instanceof Float64Array) return data;
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
  return out;
}
