import { integerLiteral } from "../formats/index.js";
import { type JsonObject, type JsonValue, metaKey, type ReferenceSet } from "../model/index.js";
import { type Dtype, parseDtype } from "./dtype.js";
import { ArrayMetadataError } from "./errors.js";

/** What reading an array needs from its .zarray, checked. */
export interface ArrayMeta {
  path: string;
  shape: number[];
  chunks: number[];
  dtype: Dtype;
  compressor: JsonObject | null;
  filters: JsonObject[];
  fillValue: JsonValue | undefined;
  /** fill_value's integer literal as written, when JSON numbers would round it (64-bit integers). */
  fillLiteral: string | undefined;
  order: "C" | "F";
  separator: string;
}

export { metaKey } from "../model/index.js";

function intList(path: string, z: JsonObject, field: string): number[] {
  const v = z[field];
  if (!Array.isArray(v) || !v.every((n) => typeof n === "number" && Number.isInteger(n) && n >= 0)) {
    throw new ArrayMetadataError(path, `.zarray "${field}" must be a list of non-negative integers`);
  }
  return v as number[];
}

export function arrayMeta(refs: ReferenceSet, path: string): ArrayMeta {
  const z = refs.metadata.get(metaKey(path, ".zarray"));
  if (!z) throw new ArrayMetadataError(path, "no .zarray in the reference set");
  const shape = intList(path, z, "shape");
  const chunks = intList(path, z, "chunks");
  if (chunks.length !== shape.length) {
    throw new ArrayMetadataError(
      path,
      `chunks ${JSON.stringify(chunks)} and shape ${JSON.stringify(shape)} differ in rank`,
    );
  }
  if (chunks.some((c, i) => c === 0 && (shape[i] as number) > 0)) {
    throw new ArrayMetadataError(path, `chunks ${JSON.stringify(chunks)} has a zero length`);
  }
  const dtype = typeof z.dtype === "string" ? parseDtype(z.dtype) : undefined;
  if (!dtype) throw new ArrayMetadataError(path, `unsupported dtype ${JSON.stringify(z.dtype)}`);
  const order = z.order ?? "C";
  if (order !== "C" && order !== "F")
    throw new ArrayMetadataError(path, `unknown order ${JSON.stringify(order)}`);
  const compressor = z.compressor ?? null;
  if (compressor !== null && (typeof compressor !== "object" || Array.isArray(compressor))) {
    throw new ArrayMetadataError(path, "compressor must be an object or null");
  }
  const filters = z.filters ?? [];
  if (
    !Array.isArray(filters) ||
    filters.some((f) => typeof f !== "object" || f === null || Array.isArray(f))
  ) {
    throw new ArrayMetadataError(path, "filters must be a list of objects or null");
  }
  const separator = typeof z.dimension_separator === "string" ? z.dimension_separator : ".";
  return {
    path,
    shape,
    chunks,
    dtype,
    compressor: compressor as JsonObject | null,
    filters: filters as JsonObject[],
    fillValue: z.fill_value,
    fillLiteral: integerLiteral(z, "fill_value"),
    order,
    separator,
  };
}

/** Chunks per dimension. */
export function chunkGrid(shape: readonly number[], chunks: readonly number[]): number[] {
  return shape.map((n, i) => Math.ceil(n / (chunks[i] || 1)));
}

/** Store key of a chunk ("temp/0.1", "0" for a 0-d array at the root). */
export function chunkStoreKey(meta: ArrayMeta, coords: readonly number[]): string {
  const name = coords.length === 0 ? "0" : coords.join(meta.separator);
  return metaKey(meta.path, name);
}
