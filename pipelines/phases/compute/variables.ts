import type { ReferenceSet } from "../../../refs/model/index.js";

/**
 * The data variables of a reference set: arrays with two or more dimensions that are not coordinates (a
 * coordinate is a 1-D array named after its dimension) nor bounds; of a multiscale TIFF group, only the full
 * resolution image (the first).
 */
export function dataVariables(refs: ReferenceSet): string[] {
  const out: string[] = [];
  for (const key of refs.metadata.keys()) {
    if (!key.endsWith("/.zarray")) continue;
    const path = key.slice(0, -"/.zarray".length);
    const dims = refs.metadata.get(`${path}/.zattrs`)?._ARRAY_DIMENSIONS;
    const shape = refs.metadata.get(key)?.shape;
    if (!Array.isArray(shape) || shape.length < 2) continue;
    if (Array.isArray(dims) && dims.length === 1 && dims[0] === path) continue;
    if (/_bnds$|_bounds$/.test(path)) continue;
    out.push(path);
  }
  out.sort();
  // TIFF overviews ("1", "2", ...) repeat the full image ("0") at coarser resolutions.
  if (out.every((p) => /^\d+$/.test(p)) && out.length > 1) return [out[0] as string];
  return out;
}
