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
  // One pixel per cell (always so when sampling): each row is one value read, nothing to combine.
  if (mapping.pixels.length === nCells && aggregation !== "count")
    return gatherOnePixel(mapping, buffers, steps, plane, aggregation === "min" || aggregation === "max");
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

/**
 * gatherRows for mappings with one pixel per cell: the row of a cell and step is the pixel's values, kept when
 * any is valid, the same rows as the general loop without its per-pixel bookkeeping. A sum or mean of one value
 * there is 0 + x, which turns -0 into 0: `+ signless` repeats that; min and max keep x as it is.
 */
function gatherOnePixel(
  mapping: CellMapping,
  buffers: Float64Array[],
  steps: number,
  plane: number,
  keepSign: boolean,
): CellRows {
  const signless = keepSign ? -0 : 0;
  const nCells = mapping.cells.length;
  const capacity = nCells * steps;
  const nv = buffers.length;
  const cell = new Uint32Array(capacity);
  const step = new Uint32Array(capacity);
  const values = buffers.map(() => new Float64Array(capacity));
  const pixels = mapping.pixels;
  let rows = 0;
  if (nv === 1) {
    const buffer = buffers[0] as Float64Array;
    const out = values[0] as Float64Array;
    for (let g = 0; g < nCells; g++) {
      const at = pixels[g] as number;
      for (let t = 0, base = 0; t < steps; t++, base += plane) {
        const x = buffer[base + at] as number;
        if (Number.isNaN(x)) continue;
        cell[rows] = g;
        step[rows] = t;
        out[rows++] = x + signless;
      }
    }
  } else {
    for (let g = 0; g < nCells; g++) {
      const at = pixels[g] as number;
      for (let t = 0, base = 0; t < steps; t++, base += plane) {
        let any = false;
        for (let v = 0; v < nv; v++) {
          const x = (buffers[v] as Float64Array)[base + at] as number;
          (values[v] as Float64Array)[rows] = x + signless;
          if (!Number.isNaN(x)) any = true;
        }
        if (!any) continue;
        cell[rows] = g;
        step[rows++] = t;
      }
    }
  }
  return { cell, step, values, count: new Uint32Array(capacity).fill(1), length: rows };
}
