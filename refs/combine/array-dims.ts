/** Dimension names and sizes of arrays, from `_ARRAY_DIMENSIONS` in their .zattrs (as xarray writes Zarr v2). */
import { type JsonObject, metaKey, type ReferenceSet } from "../model/index.js";

export function zarrayOf(refs: ReferenceSet, path: string): JsonObject | undefined {
  return refs.metadata.get(metaKey(path, ".zarray"));
}

export function zattrsOf(refs: ReferenceSet, path: string): JsonObject {
  return refs.metadata.get(metaKey(path, ".zattrs")) ?? {};
}

export function shapeOf(zarray: JsonObject): number[] {
  return Array.isArray(zarray.shape) ? (zarray.shape as number[]) : [];
}

/** Dimension names of an array; unnamed dimensions get netCDF-style phony names that never match a concat dim. */
export function arrayDims(refs: ReferenceSet, path: string): string[] {
  const named = zattrsOf(refs, path)._ARRAY_DIMENSIONS;
  const rank = shapeOf(zarrayOf(refs, path) ?? {}).length;
  if (Array.isArray(named) && named.length === rank && named.every((d) => typeof d === "string")) {
    return named as string[];
  }
  return Array.from({ length: rank }, (_, i) => `phony_dim_${i}`);
}

/** Every dimension name used by some array of the set. */
export function dimensionNames(refs: ReferenceSet): Set<string> {
  const names = new Set<string>();
  for (const path of refs.arrays.keys()) for (const d of arrayDims(refs, path)) names.add(d);
  return names;
}

/** Size of a dimension in a set (from the first array that has it), or undefined when no array has it. */
export function dimLength(refs: ReferenceSet, dim: string): number | undefined {
  for (const path of refs.arrays.keys()) {
    const i = arrayDims(refs, path).indexOf(dim);
    if (i >= 0) return shapeOf(zarrayOf(refs, path) ?? {})[i];
  }
  return undefined;
}

/** Last segment of an array path ("g/time" -> "time"). */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}
