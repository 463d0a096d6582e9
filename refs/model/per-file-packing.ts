/**
 * Per-file packing in a combined reference set. When the files of a series pack a variable with different
 * scale_factor/add_offset (every CDS ERA5 file has its own), no single pair of attributes is right for the
 * combined array, and Zarr v2 has one set of attributes per array. The combine then leaves scale_factor and
 * add_offset out of the variable's attributes and writes the coefficients as variables of their own along the
 * concat dimensions, one value per step, named by these attributes of the variable:
 *
 *   tp: int16 (time, latitude, longitude)  scale_factor_variable = "tp_scale_factor"
 *                                           add_offset_variable = "tp_add_offset"
 *   tp_scale_factor: float64 (time)         tp_add_offset: float64 (time)
 *
 * xarray decodes it as `ds.tp * ds.tp_scale_factor + ds.tp_add_offset` (the fill value is still masked by
 * xarray, since every file shares it). refs' own readers (compute, validate) apply it by themselves.
 */
import type { JsonObject } from "./reference-set.js";

export const SCALE_FACTOR_VARIABLE = "scale_factor_variable";
export const ADD_OFFSET_VARIABLE = "add_offset_variable";

/** Array paths of a variable's per-file coefficients (absent where the files agree on that coefficient). */
export interface PerFilePacking {
  scaleFactor?: string;
  addOffset?: string;
}

/** Path of a sibling array in the same group as `path`. */
function sibling(path: string, name: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? name : `${path.slice(0, slash + 1)}${name}`;
}

/** The per-file packing a variable's attributes declare, or undefined when it is packed (or not) as usual. */
export function perFilePacking(path: string, attrs: JsonObject): PerFilePacking | undefined {
  const scale = attrs[SCALE_FACTOR_VARIABLE];
  const offset = attrs[ADD_OFFSET_VARIABLE];
  if (typeof scale !== "string" && typeof offset !== "string") return undefined;
  return {
    ...(typeof scale === "string" ? { scaleFactor: sibling(path, scale) } : {}),
    ...(typeof offset === "string" ? { addOffset: sibling(path, offset) } : {}),
  };
}
