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
import { type EncodedRollup, encodeRollup, ROLLUP_SUFFIX } from "./rollups/index.js";
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
  const rows = data.present.reduce((n, x) => n + x, 0);
  const files = Math.ceil(rows / p.config.maxRowsPerFile);
  const perFile = files > 0 ? Math.ceil(rows / files) : 0;
  const encoded: { file: UnitFile; bytes: Uint8Array; rollup?: EncodedRollup | undefined }[] = [];
  let next = 0; // index into the (cell, step) matrix
  for (let f = 0; f < files; f++) {
    const n = Math.min(perFile, rows - f * perFile);
    const picks = new Uint32Array(n);
    for (let k = 0; k < n; next++) if (data.present[next]) picks[k++] = next;
    const columns = columnsOf(p, window, data, picks);
    const bytes = await encodeH3Parquet(columns, {
      rowGroupSize: p.config.rowGroupSize,
      ...(p.columnOrigins ? { metadata: { [COLUMNS_METADATA_KEY]: JSON.stringify(p.columnOrigins) } } : {}),
    });
    const path = `${dir ? `${dir}/` : ""}${prefix}${f}.parquet`;
    // the rollup is written and recorded with its data file: the unit's record commits both (compute/rollups)
    const rollup = await encodeRollup(path, columns, p.config.rowGroupSize);
    const file = describe(p, path, bytes, columns);
    if (rollup) file.rollup = { path: rollup.path, bytes: rollup.bytes.length, sha256: rollup.sha256 };
    encoded.push({ file, bytes, rollup });
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

function columnsOf(p: Prepared, window: Window, data: PartitionData, picks: Uint32Array): H3Columns {
  const n = picks.length;
  const cells = new BigUint64Array(n);
  const time = p.timesMs ? new BigInt64Array(n) : undefined;
  const stepMicros = p.timesMs
    ? Array.from({ length: data.steps }, (_, s) =>
        msToMicros((p.timesMs as Float64Array)[window.start + s] as number),
      )
    : [];
  const values = p.columns.map(() => new Float64Array(n));
  const count = p.method === "aggregate" ? new Uint32Array(n) : undefined;
  for (let i = 0; i < n; i++) {
    const at = picks[i] as number;
    const cell = Math.floor(at / data.steps);
    cells[i] = data.cells[cell] as bigint;
    if (time) time[i] = stepMicros[at - cell * data.steps] as bigint;
    for (let k = 0; k < values.length; k++)
      (values[k] as Float64Array)[i] = (data.values[k] as Float64Array)[at] as number;
    if (count) count[i] = data.count[at] as number;
  }
  const countAgg = p.config.aggregation === "count" && p.method === "aggregate";
  return {
    cellColumn: `h${p.config.resolution}`,
    cells,
    ...(time ? { time } : {}),
    values: p.columns.map((c, k) => ({
      name: c.name,
      type: countAgg ? ("float64" as const) : c.variable.decoder.outputType,
      data: values[k] as Float64Array,
    })),
    ...(count ? { count } : {}),
  };
}

/** What the catalog needs of a file, so it never has to read it: rows, time range, value stats, coverage. */
function describe(p: Prepared, path: string, bytes: Uint8Array, c: H3Columns): UnitFile {
  const stats: Record<string, ValueStats> = {};
  for (const v of c.values) stats[v.name] = statsOf(v.data, v.type === "float32");
  const distinct = distinctSorted(c.cells);
  const coverage = compactCoverage(distinct, p.config.resolution, COVERAGE_CELLS);
  let tMin: bigint | undefined;
  let tMax: bigint | undefined;
  if (c.time) {
    for (const t of c.time) {
      if (tMin === undefined || t < tMin) tMin = t;
      if (tMax === undefined || t > tMax) tMax = t;
    }
  }
  return {
    path,
    rows: c.cells.length,
    bytes: bytes.length,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    cells: distinct.length,
    coverage: coverage.cells,
    ...(coverage.exact ? {} : { coverageCoarsened: true }),
    ...(tMin !== undefined && tMax !== undefined ? { time: [isoOfMicros(tMin), isoOfMicros(tMax)] } : {}),
    stats,
  };
}

function distinctSorted(cells: BigUint64Array): BigUint64Array {
  let n = 0;
  const out = new BigUint64Array(cells.length);
  for (let i = 0; i < cells.length; i++)
    if (n === 0 || out[n - 1] !== cells[i]) out[n++] = cells[i] as bigint;
  return out.subarray(0, n);
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
