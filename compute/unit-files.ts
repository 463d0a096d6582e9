/**
 * Splits a unit's rows into hive partitions (h0 cell except at resolution 0, then the time partition) and writes
 * one Parquet file per
 * partition, named after the unit so a rerun overwrites rather than duplicates.
 */
import { createHash } from "node:crypto";
import type { CellRows } from "./cells/aggregate.js";
import { h0Of } from "./cells/h3.js";
import type { CellMapping } from "./cells/mapping.js";
import type { TimePartition } from "./config.js";
import type { OutputStore } from "./io/output.js";
import { COLUMNS_METADATA_KEY, encodeH3Parquet } from "./parquet/writer.js";
import type { Prepared } from "./prepare.js";
import type { UnitFile } from "./units/record.js";

/** Hive key and value of a time partition, e.g. ["date", "2022-01-31"]. */
export function timePartitionOf(ms: number, partition: TimePartition): [string, string] | undefined {
  if (partition === "none") return undefined;
  const iso = new Date(ms).toISOString();
  if (partition === "year") return ["year", iso.slice(0, 4)];
  if (partition === "month") return ["month", iso.slice(0, 7)];
  return ["date", iso.slice(0, 10)];
}

export async function writeUnitFiles(
  p: Prepared,
  unitId: string,
  timeStart: number,
  mapping: CellMapping,
  rows: CellRows,
  output: OutputStore,
): Promise<UnitFile[]> {
  // Rows are grouped by (base cell, time partition) as numbers; names are built once per group.
  const base = new Uint8Array(mapping.cells.length);
  for (let g = 0; g < base.length; g++) base[g] = Number(((mapping.cells[g] as bigint) >> 45n) & 0x7fn);
  let steps = 1;
  for (let r = 0; r < rows.length; r++) steps = Math.max(steps, (rows.step[r] as number) + 1);
  const stepDir = Array.from({ length: steps }, (_, s) => {
    if (!p.timesMs) return "";
    const part = timePartitionOf(p.timesMs[timeStart + s] as number, p.config.timePartition);
    return part ? `/${part[0]}=${part[1]}` : "";
  });
  const byKey = new Map<number, { dir: string; rows: number[] }>();
  let lastKey = -1;
  let lastList: number[] = [];
  for (let r = 0; r < rows.length; r++) {
    const g = rows.cell[r] as number;
    const s = rows.step[r] as number;
    const key = (base[g] as number) * steps + s;
    if (key !== lastKey) {
      let group = byKey.get(key);
      if (!group) {
        // At resolution 0 the cell column is itself named h0: a partition of that name would shadow it in hive
        // readers, and each cell is its own h0 anyway, so only the time partition remains.
        const dir =
          p.config.resolution === 0
            ? (stepDir[s] as string).slice(1)
            : `h0=${h0Of(mapping.cells[g] as bigint)}${stepDir[s]}`;
        group = { dir, rows: [] };
        byKey.set(key, group);
      }
      lastKey = key;
      lastList = group.rows;
    }
    lastList.push(r);
  }
  // Time partitions of different steps can share a name (hours of one day): merge, keeping cell-then-time order.
  const groups = new Map<string, ArrayLike<number>>();
  const merged = new Map<string, number[]>();
  for (const { dir, rows: list } of byKey.values()) {
    const existing = groups.get(dir);
    if (!existing) groups.set(dir, list);
    else {
      const all = merged.get(dir) ?? Array.from(existing);
      for (const r of list) all.push(r);
      merged.set(dir, all);
    }
  }
  for (const [dir, all] of merged) groups.set(dir, Uint32Array.from(all).sort());
  const files: UnitFile[] = [];
  for (const dir of [...groups.keys()].sort()) {
    const picks = groups.get(dir) as ArrayLike<number>;
    const bytes = await encodeH3Parquet(columnsOf(p, timeStart, mapping, rows, picks), {
      rowGroupSize: p.config.rowGroupSize,
      ...(p.columnOrigins ? { metadata: { [COLUMNS_METADATA_KEY]: JSON.stringify(p.columnOrigins) } } : {}),
    });
    const path = dir ? `${dir}/${unitId}.parquet` : `${unitId}.parquet`;
    await output.write(path, bytes);
    files.push({
      path,
      rows: picks.length,
      bytes: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
    });
  }
  return files;
}

function columnsOf(
  p: Prepared,
  timeStart: number,
  mapping: CellMapping,
  rows: CellRows,
  picks: ArrayLike<number>,
) {
  const n = picks.length;
  const cells = new BigUint64Array(n);
  const time = p.timesMs ? new BigInt64Array(n) : undefined;
  const values = p.columns.map(() => new Float64Array(n));
  const count = p.method === "aggregate" ? new Uint32Array(n) : undefined;
  const stepMicros = new Map<number, bigint>();
  for (let i = 0; i < n; i++) {
    const r = picks[i] as number;
    cells[i] = mapping.cells[rows.cell[r] as number] as bigint;
    if (time && p.timesMs) {
      const step = rows.step[r] as number;
      let us = stepMicros.get(step);
      if (us === undefined) {
        us = msToMicros(p.timesMs[timeStart + step] as number);
        stepMicros.set(step, us);
      }
      time[i] = us;
    }
    for (let v = 0; v < values.length; v++)
      (values[v] as Float64Array)[i] = (rows.values[v] as Float64Array)[r] as number;
    if (count) count[i] = rows.count[r] as number;
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

export function msToMicros(ms: number): bigint {
  const whole = Math.floor(ms);
  return BigInt(whole) * 1000n + BigInt(Math.round((ms - whole) * 1000));
}
