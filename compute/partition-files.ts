/**
 * Writes one partition: its rows (sorted by cell then time) as `data_0.parquet`, or as data_0..k of at most
 * maxRowsPerFile rows each when it is larger. Every file is encoded before the first is written, files go in
 * under temporary names renamed into place, and files of an earlier run of the same partition that this one
 * does not write again are deleted, so a rerun replaces the partition and never doubles it.
 */
import { createHash } from "node:crypto";
import { compactCoverage } from "./cells/coverage.js";
import type { OutputStore } from "./io/output.js";
import { COLUMNS_METADATA_KEY, encodeH3Parquet, type H3Columns } from "./parquet/writer.js";
import type { PartitionData } from "./partition.js";
import type { Prepared } from "./prepare.js";
import {
  dayNumber,
  type EncodedRollup,
  encodeRollup,
  ROLLUP_SUFFIX,
  type RollupGroups,
  RollupGroupsBuilder,
} from "./rollups/index.js";
import type { WorkUnit } from "./units/plan.js";
import type { UnitFile, ValueStats } from "./units/record.js";
import type { Window } from "./units/windows.js";

/** Most cells in a file's recorded coverage (compacted, then coarsened): a catalog item stays small. */
export const COVERAGE_CELLS = 1000;

/** Folder of a partition and the prefix of its file names (at resolution 0 the cell column is h0 itself:
 * no h0= folder, and the h0 cell goes into the names, as partitions of all h0 cells share the folder). */
export function partitionPlace(p: Prepared, unit: WorkUnit, window: Window): { dir: string; prefix: string } {
  if (p.config.resolution === 0) return { dir: window.dir, prefix: `data_${unit.h0}_` };
  return { dir: window.dir ? `h0=${unit.h0}/${window.dir}` : `h0=${unit.h0}`, prefix: "data_" };
}

export async function writePartition(
  p: Prepared,
  unit: WorkUnit,
  window: Window,
  data: PartitionData,
  output: OutputStore,
): Promise<UnitFile[]> {
  const { dir, prefix } = partitionPlace(p, unit, window);
  let rows = 0;
  for (let i = 0; i < data.present.length; i++) rows += data.present[i] as number;
  const files = Math.ceil(rows / p.config.maxRowsPerFile);
  const perFile = files > 0 ? Math.ceil(rows / files) : 0;
  const encoded: { file: UnitFile; bytes: Uint8Array; rollup?: EncodedRollup | undefined }[] = [];
  let next = 0; // index into the (cell, step) matrix
  for (let f = 0; f < files; f++) {
    const n = Math.min(perFile, rows - f * perFile);
    const file = columnsOf(p, window, data, next, n);
    next = file.end;
    const bytes = await encodeH3Parquet(file.columns, {
      rowGroupSize: p.config.rowGroupSize,
      ...(p.columnOrigins ? { metadata: { [COLUMNS_METADATA_KEY]: JSON.stringify(p.columnOrigins) } } : {}),
    });
    const path = `${dir ? `${dir}/` : ""}${prefix}${f}.parquet`;
    // the rollup is written and recorded with its data file: the unit's record commits both (compute/rollups)
    const rollup =
      p.config.rollups === false
        ? undefined
        : await encodeRollup(path, file.columns, p.config.rowGroupSize, file.rollupGroups);
    const described = describe(p, path, bytes, file);
    if (rollup) described.rollup = { path: rollup.path, bytes: rollup.bytes.length, sha256: rollup.sha256 };
    encoded.push({ file: described, bytes, rollup });
  }
  for (const { file, bytes, rollup } of encoded) {
    await output.write(file.path, bytes);
    if (rollup) await output.write(rollup.path, rollup.bytes);
  }
  const written = new Set(encoded.flatMap((e) => [e.file.path, ...(e.rollup ? [e.rollup.path] : [])]));
  for (const old of await output.list(dir)) {
    const name = old.slice(old.lastIndexOf("/") + 1);
    const sameFolder = old.slice(0, Math.max(0, old.lastIndexOf("/"))) === dir;
    const ours = name.endsWith(".parquet") || name.endsWith(`.parquet${ROLLUP_SUFFIX}`);
    if (sameFolder && name.startsWith(prefix) && ours && !written.has(old)) await output.delete(old);
  }
  return encoded.map((e) => e.file);
}

/**
 * The file's columns: the `n` rows present from slot `from` of the (cell, step) matrix on, with what describe()
 * needs gathered in the same pass (time range over the steps used, distinct cells, value statistics as statsOf
 * gives them, where the rollup's groups begin), and the slot after its last row. Cells and times are copied as 32-bit word pairs (reading a 64-bit
 * element would make a BigInt per row).
 */
interface FileColumns {
  columns: H3Columns;
  time?: [bigint, bigint];
  distinct: BigUint64Array;
  stats: Record<string, ValueStats>;
  end: number;
  /** Where the rollup's (cell, day) and cell groups begin, when rollups are written. */
  rollupGroups?: RollupGroups;
}

function columnsOf(p: Prepared, window: Window, data: PartitionData, from: number, n: number): FileColumns {
  const steps = data.steps;
  const cells = new BigUint64Array(n);
  const cellWords = new Uint32Array(cells.buffer);
  const fromWords = new Uint32Array(data.cells.buffer, data.cells.byteOffset, data.cells.length * 2);
  const time = p.timesMs ? new BigInt64Array(n) : undefined;
  const stepMicros = new BigInt64Array(p.timesMs ? steps : 0);
  for (let s = 0; s < stepMicros.length; s++)
    stepMicros[s] = msToMicros((p.timesMs as Float64Array)[window.start + s] as number);
  const timeWords = time ? new Uint32Array(time.buffer) : undefined;
  const stepWords = new Uint32Array(stepMicros.buffer);
  const used = new Uint8Array(steps);
  const values = p.columns.map(() => new Float64Array(n));
  const countAgg = p.config.aggregation === "count" && p.method === "aggregate";
  const types = p.columns.map((c) => (countAgg ? ("float64" as const) : c.variable.decoder.outputType));
  const float32 = types.map((t) => t === "float32");
  const nv = values.length;
  const seen = new Float64Array(nv);
  const sum = new Float64Array(nv);
  const min = new Float64Array(nv).fill(Number.POSITIVE_INFINITY);
  const max = new Float64Array(nv).fill(Number.NEGATIVE_INFINITY);
  const distinct = new BigUint64Array(n);
  const distinctWords = new Uint32Array(distinct.buffer);
  let cellsSeen = 0;
  const count = p.method === "aggregate" ? new Uint32Array(n) : undefined;
  const present = data.present;
  const inputs = data.values;
  // rollup groups: a new (cell, day) group where a cell's rows begin or the step's UTC day changes
  const groups = time && p.config.rollups !== false ? new RollupGroupsBuilder(n) : undefined;
  const stepDay = Float64Array.from(stepMicros, (t) => dayNumber(Number(t)));
  let day = Number.NaN;
  // cell by cell over the matrix rows from slot `from` (a file may start inside a cell's row)
  let at = from;
  let i = 0;
  for (let cell = Math.floor(from / steps); i < n; cell++) {
    const rowStart = cell * steps;
    const rowEnd = rowStart + steps;
    const lo = fromWords[2 * cell] as number;
    const hi = fromWords[2 * cell + 1] as number;
    const first = i;
    for (; at < rowEnd && i < n; at++) {
      if (!present[at]) continue;
      cellWords[2 * i] = lo;
      cellWords[2 * i + 1] = hi;
      if (timeWords) {
        const step = at - rowStart;
        if (groups) {
          if (i === first) groups.cell(i);
          if (i === first || stepDay[step] !== day) {
            groups.day(i);
            day = stepDay[step] as number;
          }
        }
        timeWords[2 * i] = stepWords[2 * step] as number;
        timeWords[2 * i + 1] = stepWords[2 * step + 1] as number;
        used[step] = 1;
      }
      for (let k = 0; k < nv; k++) {
        const raw = (inputs[k] as Float64Array)[at] as number;
        (values[k] as Float64Array)[i] = raw;
        if (Number.isNaN(raw)) continue;
        const v = float32[k] ? Math.fround(raw) : raw;
        seen[k] = (seen[k] as number) + 1;
        sum[k] = (sum[k] as number) + v;
        if (v < (min[k] as number)) min[k] = v;
        if (v > (max[k] as number)) max[k] = v;
      }
      if (count) count[i] = data.count[at] as number;
      i++;
    }
    if (i > first) {
      // cells ascend: a cell with rows here is a new distinct cell
      distinctWords[2 * cellsSeen] = lo;
      distinctWords[2 * cellsSeen + 1] = hi;
      cellsSeen++;
    }
  }
  let range: [bigint, bigint] | undefined;
  for (let s = 0; s < stepMicros.length; s++) {
    if (!used[s]) continue;
    const t = stepMicros[s] as bigint;
    if (!range) range = [t, t];
    else if (t < range[0]) range[0] = t;
    else if (t > range[1]) range[1] = t;
  }
  const columns: H3Columns = {
    cellColumn: `h${p.config.resolution}`,
    cells,
    ...(time ? { time } : {}),
    values: p.columns.map((c, k) => ({
      name: c.name,
      type: types[k] as "float32" | "float64",
      data: values[k] as Float64Array,
    })),
    ...(count ? { count } : {}),
  };
  const stats: Record<string, ValueStats> = {};
  p.columns.forEach((c, k) => {
    const found = seen[k] as number;
    stats[c.name] = {
      count: found,
      min: found ? (min[k] as number) : null,
      max: found ? (max[k] as number) : null,
      sum: sum[k] as number,
    };
  });
  const out: FileColumns = { columns, distinct: distinct.subarray(0, cellsSeen), stats, end: at };
  if (range) out.time = range;
  if (groups) out.rollupGroups = groups.finish();
  return out;
}

/** What the catalog needs of a file, so it never has to read it: rows, time range, value stats, coverage. */
function describe(p: Prepared, path: string, bytes: Uint8Array, file: FileColumns): UnitFile {
  const { columns: c, time, distinct, stats } = file;
  const coverage = compactCoverage(distinct, p.config.resolution, COVERAGE_CELLS);
  return {
    path,
    rows: c.cells.length,
    bytes: bytes.length,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    cells: distinct.length,
    coverage: coverage.cells,
    ...(coverage.exact ? {} : { coverageCoarsened: true }),
    ...(time ? { time: [isoOfMicros(time[0]), isoOfMicros(time[1])] } : {}),
    stats,
  };
}

/** Statistics of the values as written (float32 columns rounded to float32). */
export function statsOf(values: Float64Array, float32: boolean): ValueStats {
  let count = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const raw = values[i] as number;
    if (Number.isNaN(raw)) continue;
    const v = float32 ? Math.fround(raw) : raw;
    count++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { count, min: count ? min : null, max: count ? max : null, sum };
}

export function msToMicros(ms: number): bigint {
  const whole = Math.floor(ms);
  return BigInt(whole) * 1000n + BigInt(Math.round((ms - whole) * 1000));
}

function isoOfMicros(us: bigint): string {
  return new Date(Number(us / 1000n)).toISOString();
}
