/**
 * Partitions (h0 cell x time window) in memory: per partition, the cells of the h0 cell from every block that owns
 * some, in ascending order, and per column a dense (cell, step) matrix of values (NaN where no row), filled block by
 * block and time slice by time slice through the same gather as any mapping. Rows then come out sorted by cell
 * then time by walking the matrix, with no sort of rows.
 *
 * Several units of one window are gathered together: a block two or more of them need is read (fetched,
 * decompressed, decoded) once per time slice and each unit gathers its own cells from that one buffer, instead of
 * every unit reading the block again. A unit's rows are the same either way (same pixels, same order, same
 * decoder), so its files are byte for byte those of a unit gathered alone.
 */
import { gatherRows } from "./cells/aggregate.js";
import type { CellMapper } from "./cells/mapper.js";
import type { Block, CellMapping } from "./cells/mapping.js";
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
  /** cells x steps: pixels counted, 0 where no row (aggregate method; empty when sampling, which has no count). */
  count: Uint32Array;
  /** cells x steps: 1 where a row exists. */
  present: Uint8Array;
  /** Source values of the blocks this partition counts (each block's pixels x steps x columns, counted once
   * over all units: for throughput). */
  valuesRead: number;
}

/** What is read for one block: a mapping, and for each unit gathering from it the cells of that unit. */
interface BlockRead {
  mapping: CellMapping;
  /** Per unit: the cells it gathers; `first`: the rank offset of its part; `counts`: its h0 cell holds the
   * block's first cell, so its partition counts the block's source values (each block counted once). */
  users: { unit: number; view: CellMapping; first: number; counts: boolean }[];
  pixels: number;
}

export async function gatherPartition(
  p: Prepared,
  unit: WorkUnit,
  window: Window,
  io: { read: ArrayReader; mapper: CellMapper },
): Promise<PartitionData> {
  return (await gatherPartitions(p, [unit], window, io))[0] as PartitionData;
}

/** The partitions of `units` (all holding `window`) for that window, in the order of `units`. */
export async function gatherPartitions(
  p: Prepared,
  units: WorkUnit[],
  window: Window,
  io: { read: ArrayReader; mapper: CellMapper },
): Promise<PartitionData[]> {
  const reads = await planReads(units, io.mapper);
  const steps = p.timesMs ? window.stop - window.start : 1;
  const aggregation = p.method === "sample" ? "mean" : p.config.aggregation;
  // Per unit: its cells ascending and each block part's cells' rank among them (blocks own disjoint cells).
  const parts = units.map(() => [] as CellMapping[]);
  for (const r of reads) {
    for (const u of r.users) {
      u.first = parts[u.unit]?.reduce((n, m) => n + m.cells.length, 0) ?? 0;
      parts[u.unit]?.push(u.view);
    }
  }
  // only aggregated files have a count column (partition-files.ts)
  const countRows = p.method === "aggregate";
  const ranks: Uint32Array[] = [];
  const out = units.map((_, k): PartitionData => {
    const { cells, rank } = rankCells(parts[k] as CellMapping[]);
    ranks.push(rank);
    let blockPixels = 0;
    for (const r of reads) for (const u of r.users) if (u.unit === k && u.counts) blockPixels += r.pixels;
    const total = cells.length;
    return {
      cells,
      steps,
      values: p.columns.map(() => new Float64Array(total * steps).fill(Number.NaN)),
      // sampled partitions write no count column (partition-files.ts): no matrix for it
      count: new Uint32Array(countRows ? total * steps : 0),
      present: new Uint8Array(total * steps),
      valuesRead: blockPixels * (window.stop - window.start) * p.columns.length,
    };
  });
  const signless = aggregation === "min" || aggregation === "max" ? -0 : 0;
  for (const r of reads) {
    const m = r.mapping;
    const plane = (m.rows[1] - m.rows[0]) * m.columns.reduce((s, [a, b]) => s + b - a, 0);
    // decoded buffers of this block, per variable, reused by its time slices (every element is rewritten)
    const kept: Float64Array[][] = [];
    const readsPerSlice = p.timesMs ? sliceReads(p.readSteps, plane * p.columns.length) : 1;
    for (let t0 = window.start; t0 < window.stop; ) {
      // reads follow time chunks: a slice never starts a chunk another slice ends
      const t1 = p.timesMs
        ? Math.min(window.stop, (Math.floor(t0 / p.readSteps) + readsPerSlice) * p.readSteps)
        : t0 + 1;
      const time: [number, number] | undefined = p.timesMs ? [t0, t1] : undefined;
      const buffers: Float64Array[] = [];
      for (const [i, v] of p.variables.entries()) {
        const mine = p.columns.filter((c) => c.variable === v);
        kept[i] = await readUnitColumns(io.read, v, mine, p, time, m, kept[i]);
        buffers.push(...(kept[i] as Float64Array[]));
      }
      const n = t1 - t0;
      const offset = t0 - window.start;
      for (const user of r.users) {
        const data = out[user.unit] as PartitionData;
        const rank = ranks[user.unit] as Uint32Array;
        if (user.view.pixels.length === user.view.cells.length && aggregation !== "count") {
          scatterOnePixel(user.view, user.first, rank, buffers, n, plane, offset, signless, countRows, data);
          continue;
        }
        const rows = gatherRows(user.view, buffers, n, plane, aggregation);
        for (let i = 0; i < rows.length; i++) {
          const cell = rank[user.first + (rows.cell[i] as number)] as number;
          const at = cell * steps + offset + (rows.step[i] as number);
          data.present[at] = 1;
          data.count[at] = rows.count[i] as number;
          for (let c = 0; c < data.values.length; c++)
            (data.values[c] as Float64Array)[at] = (rows.values[c] as Float64Array)[i] as number;
        }
      }
      t0 = t1;
    }
  }
  return out;
}

/** Decoded values of one time slice of a block at most (64 MB as float64). */
export const SLICE_VALUES = 8 * 2 ** 20;
/** Time steps a slice aims for: each cell's steps of a slice fill one 64-byte cache line of its matrix row. */
const SLICE_STEPS = 8;

/**
 * Time chunks (of `readSteps` steps) read per time slice of a block whose time step holds `planeValues` decoded
 * values: enough for SLICE_STEPS steps where they fit in SLICE_VALUES, at least one. The matrices are by cell
 * then step, so a slice of one step writes each cell's value to another cache line (a miss per row, 2.4 s of a
 * 48 h global run); a slice of 8 steps writes the 8 together. Every slice starts at a chunk boundary, so groups
 * that share a block slice it alike (compute/shared-blocks.ts keys its spills by region).
 */
export function sliceReads(readSteps: number, planeValues: number): number {
  const wanted = Math.ceil(SLICE_STEPS / readSteps);
  const fit = Math.floor(SLICE_VALUES / Math.max(1, planeValues * readSteps));
  return Math.max(1, Math.min(wanted, fit));
}

/**
 * The rows gatherRows gives for a mapping with one pixel per cell (a value kept when any column is valid, 0 + x as
 * a sum or mean of one value, count 1 where counted), written straight into the partition's matrix: no rows in
 * between.
 */
function scatterOnePixel(
  view: CellMapping,
  first: number,
  rank: Uint32Array,
  buffers: Float64Array[],
  n: number,
  plane: number,
  offset: number,
  signless: number,
  countRows: boolean,
  data: PartitionData,
): void {
  const { pixels } = view;
  const { steps, present, count } = data;
  const nv = buffers.length;
  if (nv === 1) {
    // one column (the common case): the loops below without the per-column ones
    const buffer = buffers[0] as Float64Array;
    const values = data.values[0] as Float64Array;
    for (let g = 0; g < pixels.length; g++) {
      const px = pixels[g] as number;
      const slot = (rank[first + g] as number) * steps + offset;
      for (let t = 0; t < n; t++) {
        const x = buffer[t * plane + px] as number;
        if (Number.isNaN(x)) continue;
        present[slot + t] = 1;
        if (countRows) count[slot + t] = 1;
        values[slot + t] = x + signless;
      }
    }
    return;
  }
  for (let g = 0; g < pixels.length; g++) {
    const px = pixels[g] as number;
    const slot = (rank[first + g] as number) * steps + offset;
    for (let t = 0; t < n; t++) {
      const at = t * plane + px;
      let any = false;
      for (let v = 0; v < nv; v++) if (!Number.isNaN((buffers[v] as Float64Array)[at])) any = true;
      if (!any) continue;
      present[slot + t] = 1;
      if (countRows) count[slot + t] = 1;
      for (let v = 0; v < nv; v++)
        (data.values[v] as Float64Array)[slot + t] = ((buffers[v] as Float64Array)[at] as number) + signless;
    }
  }
}

/**
 * A partition's cells ascending, and each part's cells' rank among them. Mapping cells are ascending, so parts
 * that follow one another (always so with one block) are already in order and rank is the identity; otherwise
 * the cells are sorted (blocks own disjoint cells).
 */
function rankCells(parts: CellMapping[]): { cells: BigUint64Array; rank: Uint32Array } {
  const total = parts.reduce((n, m) => n + m.cells.length, 0);
  const all = new BigUint64Array(total);
  let at = 0;
  for (const m of parts) {
    all.set(m.cells, at);
    at += m.cells.length;
  }
  if (ascending(all)) return { cells: all, rank: Uint32Array.from({ length: total }, (_, i) => i) };
  const order = Uint32Array.from({ length: total }, (_, i) => i).sort((i, j) =>
    (all[i] as bigint) < (all[j] as bigint) ? -1 : 1,
  );
  const rank = new Uint32Array(total);
  for (let r = 0; r < total; r++) rank[order[r] as number] = r;
  return { cells: BigUint64Array.from(order, (i) => all[i] as bigint), rank };
}

function ascending(cells: BigUint64Array): boolean {
  for (let i = 1; i < cells.length; i++) if ((cells[i - 1] as bigint) >= (cells[i] as bigint)) return false;
  return true;
}

/**
 * The blocks the units need, in the grid's block order (each unit's own order), with what each unit gathers. A
 * block one unit needs is cut to that unit's cells (it reads no more than they use); a block several need is
 * cut once to the cells from the first one's to the last one's, and each unit gathers a view of that.
 */
async function planReads(units: WorkUnit[], mapper: CellMapper): Promise<BlockRead[]> {
  const byKey = new Map<string, { block: Block; users: number[] }>();
  for (const [k, unit] of units.entries()) {
    for (const block of unit.blocks) {
      const key = `${block.y0}_${block.y1}_${block.x0}_${block.x1}`;
      const entry = byKey.get(key) ?? { block, users: [] };
      entry.users.push(k);
      byKey.set(key, entry);
    }
  }
  const blocks = [...byKey.values()].sort((a, b) => a.block.y0 - b.block.y0 || a.block.x0 - b.block.x0);
  const reads: BlockRead[] = [];
  for (const { block, users } of blocks) {
    const m = await mapper.mapping(block);
    const pixels = (block.y1 - block.y0) * (block.x1 - block.x0);
    const ranges = users
      .map((unit) => ({ unit, range: baseCellRange(m.cells, (units[unit] as WorkUnit).base) }))
      .filter(({ range: [a, b] }) => a < b);
    if (ranges.length === 0) continue;
    if (ranges.length === 1) {
      const { unit, range } = ranges[0] as { unit: number; range: [number, number] };
      const own = subMapping(m, range[0], range[1]);
      reads.push({ mapping: own, pixels, users: [{ unit, view: own, first: 0, counts: range[0] === 0 }] });
      continue;
    }
    const from = Math.min(...ranges.map((r) => r.range[0]));
    const to = Math.max(...ranges.map((r) => r.range[1]));
    const shared = subMapping(m, from, to);
    reads.push({
      mapping: shared,
      pixels,
      users: ranges.map(({ unit, range: [a, b] }) => ({
        unit,
        view: viewOf(shared, a - from, b - from),
        first: 0,
        counts: a === 0,
      })),
    });
  }
  return reads;
}

/** Cells [start, stop) of a mapping, their pixels still indexing the mapping's buffer (no copy of pixels). */
function viewOf(m: CellMapping, start: number, stop: number): CellMapping {
  const from = m.offsets[start] as number;
  const offsets = new Uint32Array(stop - start + 1);
  for (let i = 0; i <= stop - start; i++) offsets[i] = (m.offsets[start + i] as number) - from;
  return {
    rows: m.rows,
    columns: m.columns,
    cells: m.cells.subarray(start, stop),
    offsets,
    pixels: m.pixels.subarray(from, m.offsets[stop] as number),
  };
}
