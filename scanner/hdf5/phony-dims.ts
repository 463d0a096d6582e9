import type { JsonObject, ReferenceSet } from "../../refs/model/index.js";

const PHONY = /^phony_dim_\d+$/;

interface ArrayDims {
  attrsKey: string;
  shape: number[];
  dims: string[];
}

/**
 * kerchunk names a dimension without a scale `phony_dim_<axis>`, so two arrays of one group whose axis 0 differs in
 * length share a name with two lengths, and xarray refuses to open the group. Where that happens (and only there,
 * so every other file keeps kerchunk's names), the group's phony dimensions are renamed as netCDF-C does: one name
 * per distinct length, and a second name when one array has two axes of the same length.
 */
export function resolvePhonyConflicts(refs: ReferenceSet): void {
  for (const arrays of arraysByGroup(refs.metadata).values()) {
    if (!hasConflict(arrays)) continue;
    const names = new Map<string, string>();
    for (const a of arrays) {
      const seen = new Map<number, number>();
      const renamed = a.dims.map((dim, axis) => {
        if (!PHONY.test(dim)) return dim;
        const length = a.shape[axis] as number;
        const occurrence = seen.get(length) ?? 0;
        seen.set(length, occurrence + 1);
        const slot = `${length}#${occurrence}`;
        if (!names.has(slot)) names.set(slot, `phony_dim_${names.size}`);
        return names.get(slot) as string;
      });
      const zattrs = refs.metadata.get(a.attrsKey);
      if (zattrs) zattrs._ARRAY_DIMENSIONS = renamed;
    }
  }
}

/** Groups ("" for the root, else "a/b/") in which one phony dimension name has two lengths. */
export function phonyClashGroups(metadata: ReadonlyMap<string, JsonObject>): Set<string> {
  const out = new Set<string>();
  for (const [group, arrays] of arraysByGroup(metadata)) if (hasConflict(arrays)) out.add(group);
  return out;
}

function arraysByGroup(metadata: ReadonlyMap<string, JsonObject>): Map<string, ArrayDims[]> {
  const groups = new Map<string, ArrayDims[]>();
  for (const [key, zarray] of metadata) {
    if (!key.endsWith(".zarray")) continue;
    const prefix = key.slice(0, -".zarray".length);
    const attrsKey = `${prefix}.zattrs`;
    const dims = metadata.get(attrsKey)?._ARRAY_DIMENSIONS;
    if (!Array.isArray(dims)) continue;
    const group = prefix.slice(0, prefix.slice(0, -1).lastIndexOf("/") + 1);
    const list = groups.get(group) ?? [];
    list.push({ attrsKey, shape: zarray.shape as number[], dims: dims as string[] });
    groups.set(group, list);
  }
  return groups;
}

function hasConflict(arrays: ArrayDims[]): boolean {
  const lengths = new Map<string, number>();
  for (const a of arrays) {
    for (let axis = 0; axis < a.dims.length; axis++) {
      const dim = a.dims[axis] as string;
      if (!PHONY.test(dim)) continue;
      const length = a.shape[axis] as number;
      const known = lengths.get(dim);
      if (known !== undefined && known !== length) return true;
      lengths.set(dim, length);
    }
  }
  return false;
}
