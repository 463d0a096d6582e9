/**
 * gatherRows on mappings with one pixel per cell (sampling, and aggregation where each cell holds one pixel), which
 * takes a shorter loop: rows must be what the definition gives for every aggregation, -0 and NaN included.
 */
import { expect, it } from "vitest";
import { gatherRows } from "../../compute/cells/aggregate.js";
import type { CellMapping } from "../../compute/cells/mapping.js";
import type { Aggregation } from "../../compute/config.js";

/** A value per pixel and step: ordinary numbers, some -0 and NaN, differently per variable. */
function buffers(nv: number, steps: number, plane: number): Float64Array[] {
  return Array.from({ length: nv }, (_, v) =>
    Float64Array.from({ length: steps * plane }, (_, i) => {
      const k = (i * 7 + v * 13) % 17;
      return k === 0 ? Number.NaN : k === 1 ? -0 : (k - 8) * 0.5 + v;
    }),
  );
}

/** The rows by definition: a cell and step with any valid value; one value combined with nothing. */
function expected(m: CellMapping, bufs: Float64Array[], steps: number, plane: number, agg: Aggregation) {
  const rows: { cell: number; step: number; values: number[]; count: number }[] = [];
  for (let g = 0; g < m.cells.length; g++) {
    const at = m.pixels[m.offsets[g] as number] as number;
    for (let t = 0; t < steps; t++) {
      const xs = bufs.map((b) => b[t * plane + at] as number);
      if (xs.every(Number.isNaN)) continue;
      const values = xs.map((x) => {
        if (agg === "count") return Number.isNaN(x) ? 0 : 1;
        if (agg === "min" || agg === "max") return x;
        return 0 + x; // a sum (and a mean) starts from 0
      });
      rows.push({ cell: g, step: t, values, count: 1 });
    }
  }
  return rows;
}

it("one pixel per cell: every aggregation, one and two variables, equals the definition (sign of zero kept)", () => {
  const plane = 60;
  const steps = 3;
  const nCells = 25;
  const pixels = Uint32Array.from({ length: nCells }, (_, g) => (g * 37) % plane);
  const mapping: CellMapping = {
    rows: [0, 6],
    columns: [[0, 10]],
    cells: BigUint64Array.from({ length: nCells }, (_, g) => 0x85283473fffffffn + BigInt(g) * 0x8000000n),
    offsets: Uint32Array.from({ length: nCells + 1 }, (_, i) => i),
    pixels,
  };
  for (const nv of [1, 2]) {
    const bufs = buffers(nv, steps, plane);
    for (const agg of ["mean", "sum", "min", "max", "count"] as const) {
      const got = gatherRows(mapping, bufs, steps, plane, agg);
      const want = expected(mapping, bufs, steps, plane, agg);
      expect(got.length).toBe(want.length);
      want.forEach((row, r) => {
        expect(got.cell[r]).toBe(row.cell);
        expect(got.step[r]).toBe(row.step);
        expect(got.count[r]).toBe(row.count);
        row.values.forEach((v, k) => {
          // toBe compares with Object.is: -0 and 0 differ, NaN equals NaN.
          expect((got.values[k] as Float64Array)[r]).toBe(v);
        });
      });
    }
  }
});
