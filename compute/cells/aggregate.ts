/**
 * Per-time-step gather: for each cell of a mapping, combine the decoded values (NaN = missing) of its pixels.
 * Rows come out cell by cell, time inside, so files are sorted by cell then time without a sort.
 */
import type { Aggregation } from "../config.js";
import type { CellMapping } from "./mapping.js";

export interface CellRows {
  /** Row -> index into mapping.cells. */
  cell: Uint32Array;
  /** Row -> time step within the unit. */
  step: Uint32Array;
  /** Per variable, one value per row (NaN where the variable has no valid pixel in the cell). */
  values: Float64Array[];
  /** Pixels with at least one valid variable, per row. */
  count: Uint32Array;
  length: number;
}

/**
 * `buffers[v]` holds variable v decoded for the unit: `steps` planes of `plane` values in the mapping's buffer
 * layout. A row is emitted for a cell and step when at least one pixel has a valid value.
 */
export function gatherRows(
  mapping: CellMapping,
  buffers: Float64Array[],
  steps: number,
  plane: number,
  aggregation: Aggregation,
): CellRows {
  const nCells = mapping.cells.length;
  const capacity = nCells * steps;
  const nv = buffers.length;
  const cell = new Uint32Array(capacity);
  const step = new Uint32Array(capacity);
  const values = buffers.map(() => new Float64Array(capacity));
  const count = new Uint32Array(capacity);
  const acc = new Float64Array(nv);
  const n = new Uint32Array(nv);
  let rows = 0;
  for (let g = 0; g < nCells; g++) {
    const from = mapping.offsets[g] as number;
    const to = mapping.offsets[g + 1] as number;
    for (let t = 0; t < steps; t++) {
      const base = t * plane;
      acc.fill(
        aggregation === "min"
          ? Number.POSITIVE_INFINITY
          : aggregation === "max"
            ? Number.NEGATIVE_INFINITY
            : 0,
      );
      n.fill(0);
      let valid = 0;
      for (let p = from; p < to; p++) {
        const at = base + (mapping.pixels[p] as number);
        let any = false;
        for (let v = 0; v < nv; v++) {
          const x = (buffers[v] as Float64Array)[at] as number;
          if (Number.isNaN(x)) continue;
          any = true;
          n[v] = (n[v] as number) + 1;
          if (aggregation === "min") acc[v] = Math.min(acc[v] as number, x);
          else if (aggregation === "max") acc[v] = Math.max(acc[v] as number, x);
          else acc[v] = (acc[v] as number) + x;
        }
        if (any) valid++;
      }
      if (valid === 0) continue;
      cell[rows] = g;
      step[rows] = t;
      count[rows] = valid;
      for (let v = 0; v < nv; v++) {
        const k = n[v] as number;
        const a = acc[v] as number;
        (values[v] as Float64Array)[rows] =
          aggregation === "count" ? k : k === 0 ? Number.NaN : aggregation === "mean" ? a / k : a;
      }
      rows++;
    }
  }
  return { cell, step, values, count, length: rows };
}
