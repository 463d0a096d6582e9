/**
 * One partition (h0 cell x time window) in memory: the cells of the h0 cell from every block that owns some,
 * in ascending order, and per column a dense (cell, step) matrix of values (NaN where no row), filled block by
 * block and time slice by time slice through the same gather as any mapping. Rows then come out sorted by cell
 * then time by walking the matrix, with no sort of rows.
 */
import { gatherRows } from "./cells/aggregate.js";
import type { CellMapper } from "./cells/mapper.js";
import { baseCellRange, subMapping } from "./cells/sub-mapping.js";
import type { Prepared } from "./prepare.js";
import type { ArrayReader } from "./source.js";
import { readUnitColumns } from "./unit-read.js";
import type { WorkUnit } from "./units/plan.js";
import type { Window } from "./units/windows.js";

export interface PartitionData {
  /** Cells, ascending. */
  cells: BigUint64Array;
  steps: number;
  /** Per column, cells x steps values (row-major by cell). */
  values: Float64Array[];
  /** cells x steps: pixels counted (aggregate), 0 where no row. */
  count: Uint32Array;
  /** cells x steps: 1 where a row exists. */
  present: Uint8Array;
  /** Source values of the blocks this partition counts (each block's pixels x steps x columns, counted once
   * over all units: for throughput). */
  valuesRead: number;
}

export async function gatherPartition(
  p: Prepared,
  unit: WorkUnit,
  window: Window,
  io: { read: ArrayReader; mapper: CellMapper },
): Promise<PartitionData> {
  const parts = [];
  // Source values are counted once per block: by the unit of the block's first cell's h0 cell.
  let blockPixels = 0;
  for (const block of unit.blocks) {
    const m = await io.mapper.mapping(block);
    const [a, b] = baseCellRange(m.cells, unit.base);
    if (a === b) continue;
    parts.push(subMapping(m, a, b));
    if (a === 0) blockPixels += (block.y1 - block.y0) * (block.x1 - block.x0);
  }
  const total = parts.reduce((n, m) => n + m.cells.length, 0);
  const all = new BigUint64Array(total);
  let at = 0;
  for (const m of parts) {
    all.set(m.cells, at);
    at += m.cells.length;
  }
  // blocks own disjoint cells: a sort of (value, position) gives each part's cells their rank
  const order = Uint32Array.from({ length: total }, (_, i) => i).sort((i, j) =>
    (all[i] as bigint) < (all[j] as bigint) ? -1 : 1,
  );
  const rank = new Uint32Array(total);
  for (let r = 0; r < total; r++) rank[order[r] as number] = r;
  const cells = BigUint64Array.from(order, (i) => all[i] as bigint);
  const steps = p.timesMs ? window.stop - window.start : 1;
  const values = p.columns.map(() => new Float64Array(total * steps).fill(Number.NaN));
  const count = new Uint32Array(total * steps);
  const present = new Uint8Array(total * steps);
  const aggregation = p.method === "sample" ? "mean" : p.config.aggregation;
  const valuesRead = blockPixels * (window.stop - window.start) * p.columns.length;
  let first = 0;
  for (const m of parts) {
    const plane = (m.rows[1] - m.rows[0]) * m.columns.reduce((s, [a, b]) => s + b - a, 0);
    for (let t0 = window.start; t0 < window.stop; ) {
      // reads follow time chunks: a slice never starts a chunk another slice ends
      const t1 = p.timesMs ? Math.min(window.stop, (Math.floor(t0 / p.readSteps) + 1) * p.readSteps) : t0 + 1;
      const time: [number, number] | undefined = p.timesMs ? [t0, t1] : undefined;
      const buffers: Float64Array[] = [];
      for (const v of p.variables) {
        const mine = p.columns.filter((c) => c.variable === v);
        buffers.push(...(await readUnitColumns(io.read, v, mine, p, time, m)));
      }
      const n = t1 - t0;
      const rows = gatherRows(m, buffers, n, plane, aggregation);
      const offset = t0 - window.start;
      for (let r = 0; r < rows.length; r++) {
        const cell = rank[first + (rows.cell[r] as number)] as number;
        const i = cell * steps + offset + (rows.step[r] as number);
        present[i] = 1;
        count[i] = rows.count[r] as number;
        for (let k = 0; k < values.length; k++)
          (values[k] as Float64Array)[i] = (rows.values[k] as Float64Array)[r] as number;
      }
      t0 = t1;
    }
    first += m.cells.length;
  }
  return { cells, steps, values, count, present, valuesRead };
}
