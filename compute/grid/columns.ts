/**
 * Extra dimensions (pressure levels, bands, ensemble members) -> output columns. A selected dimension keeps one
 * element; every element of an unselected one becomes its own column `<var>_<dim><coordinate value>`, so rows
 * stay (cell, time) and a level or band is a column next to the others.
 */
import type { ReferenceSet } from "../../refs/model/index.js";
import type { Selection } from "../config.js";
import { ComputeConfigError } from "../errors.js";
import { type ArrayInfo, type ArrayReader, arrayInfo, hasArray, readWhole, siblingPath } from "../source.js";

/** One element of an extra dimension. */
export interface DimPick {
  dim: string;
  /** Index of the dimension in the variable's dims. */
  axis: number;
  /** Index along it. */
  index: number;
  /** Its coordinate value (the index itself where the dimension has no coordinate array). */
  value: number;
}

/** A variable's column: which element of each extra dimension it holds. */
export interface ColumnPlan {
  name: string;
  picks: DimPick[];
}

/** What a column is, as recorded in completion records and Parquet key/value metadata. */
export interface ColumnOrigin {
  variable: string;
  dims: Record<string, { index: number; value: number }>;
}

/** Coordinate values of an extra dimension, or its indexes when it has no numeric 1-D coordinate array. */
async function coordinateValues(
  refs: ReferenceSet,
  info: ArrayInfo,
  axis: number,
  read: ArrayReader,
): Promise<Float64Array> {
  const n = info.shape[axis] as number;
  const p = siblingPath(info.path, info.dims[axis] as string);
  if (hasArray(refs, p)) {
    const c = arrayInfo(refs, p);
    // Labels (text, dates as numpy datetime64) are not values a column name or a selection can use: indexes.
    if (c.shape.length === 1 && c.shape[0] === n && /^[<>|=]?[iuf]\d+$/.test(c.dtype))
      return readWhole(read, c);
  }
  return Float64Array.from({ length: n }, (_, i) => i);
}

/** The index a selection names, or a ComputeConfigError naming variable, dimension and what is available. */
function selectedIndex(
  info: ArrayInfo,
  dim: string,
  values: Float64Array,
  wanted: { value: number } | { index: number },
): number {
  const field = `select.${dim}`;
  if ("index" in wanted) {
    if (wanted.index < values.length) return wanted.index;
    throw new ComputeConfigError(
      field,
      `variable ${info.path} has ${values.length} elements along ${dim}: index ${wanted.index} is not there (0..${values.length - 1})`,
    );
  }
  const tolerance = 1e-6 * Math.max(1, Math.abs(wanted.value));
  let best = -1;
  for (let i = 0; i < values.length; i++) {
    const d = Math.abs((values[i] as number) - wanted.value);
    if (d <= tolerance && (best < 0 || d < Math.abs((values[best] as number) - wanted.value))) best = i;
  }
  if (best >= 0) return best;
  throw new ComputeConfigError(
    field,
    `variable ${info.path} has no ${dim} = ${wanted.value} (available: ${listValues(values)}; or select by index, {"index": i})`,
  );
}

function listValues(values: Float64Array): string {
  const shown = Array.from(values.subarray(0, 20), String).join(", ");
  return values.length > 20 ? `${shown}, ... (${values.length} in all)` : shown;
}

/** `t_level850`, `dem_S1`: letters, digits and `_` only, so every SQL engine takes the name unquoted. */
export function columnName(variable: string, picks: { dim: string; value: number }[]): string {
  return [variable, ...picks.map((p) => `${p.dim}${p.value}`)].join("_").replace(/[^A-Za-z0-9_]/g, "_");
}

/**
 * The columns of one variable. A dimension of one element that is not selected adds no suffix, so data with a
 * singleton level keeps its plain column name.
 */
export async function planColumns(
  refs: ReferenceSet,
  info: ArrayInfo,
  name: string,
  extraAxes: number[],
  select: Selection,
  read: ArrayReader,
): Promise<ColumnPlan[]> {
  let picksList: DimPick[][] = [[]];
  const named = new Set<number>();
  for (const axis of extraAxes) {
    const dim = info.dims[axis] as string;
    const values = await coordinateValues(refs, info, axis, read);
    const wanted = select[dim];
    const chosen =
      wanted !== undefined ? [selectedIndex(info, dim, values, wanted)] : Array.from(values, (_, i) => i);
    if (wanted === undefined && values.length > 1) named.add(axis);
    picksList = picksList.flatMap((picks) =>
      chosen.map((index) => [...picks, { dim, axis, index, value: values[index] as number }]),
    );
  }
  return picksList.map((picks) => ({
    name: columnName(
      name,
      picks.filter((p) => named.has(p.axis)),
    ),
    picks,
  }));
}
