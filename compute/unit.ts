/**
 * Work units end to end: for each of a unit's partitions (h0 cell x time window) the cells of its blocks, read +
 * decode + gather into a partition, the partition's files, then one completion record for the unit. A group of
 * units (same windows) is gathered together, window by window, so a block they share is read once for all of them;
 * each unit still writes its own partitions and, last, its own record.
 */
import type { CellMapper } from "./cells/mapper.js";
import { UnitError } from "./errors.js";
import type { OutputStore } from "./io/output.js";
import { gatherPartitions, type PartitionData } from "./partition.js";
import { writePartition } from "./partition-files.js";
import type { Prepared } from "./prepare.js";
import type { ArrayReader } from "./source.js";
import type { WorkUnit } from "./units/plan.js";
import { type UnitFile, type UnitRecord, type ValueStats, writeRecord } from "./units/record.js";
import type { Window } from "./units/windows.js";

export interface UnitIO {
  read: ArrayReader;
  output: OutputStore;
  mapper: CellMapper;
}

export async function runUnit(p: Prepared, unit: WorkUnit, io: UnitIO): Promise<UnitRecord> {
  try {
    return (await runGroupInner(p, [unit], io))[0] as UnitRecord;
  } catch (e) {
    throw new UnitError(unit.id, { cause: e });
  }
}

/**
 * Units of one group (see units/groups.ts) together; their records in the same order. If the group fails, each
 * unit is run alone, so a failure is the failing unit's only (and names it) and the others still finish.
 */
export async function runGroup(
  p: Prepared,
  units: WorkUnit[],
  io: UnitIO,
  onRecord: (r: UnitRecord) => void,
  onFailure: (unit: WorkUnit, error: unknown) => void,
): Promise<void> {
  if (units.length > 1) {
    let records: UnitRecord[] | undefined;
    try {
      records = await runGroupInner(p, units, io);
    } catch {
      // fall through to one unit at a time
    }
    if (records) {
      for (const r of records) onRecord(r);
      return;
    }
  }
  for (const unit of units) {
    let record: UnitRecord;
    try {
      record = await runUnit(p, unit, io);
    } catch (error) {
      onFailure(unit, error);
      continue;
    }
    onRecord(record);
  }
}

/** The time steps a unit covers, as its record keeps them. */
export function unitSpan(unit: WorkUnit): string {
  return unit.windows.map((w) => `${w.start}-${w.stop}`).join(",");
}

async function runGroupInner(p: Prepared, units: WorkUnit[], io: UnitIO): Promise<UnitRecord[]> {
  const done = units.map(() => ({ files: [] as UnitFile[], values: 0, cellsSeen: 0 }));
  const windows = (units[0] as WorkUnit).windows;
  for (const [w, window] of windows.entries()) {
    const partitions: (PartitionData | undefined)[] = await gatherPartitions(p, units, window, io);
    for (let k = 0; k < units.length; k++) {
      const data = partitions[k] as PartitionData;
      partitions[k] = undefined; // written: its memory can go before the next one is encoded
      const unit = units[k] as WorkUnit;
      const d = done[k] as (typeof done)[number];
      d.values += data.valuesRead;
      d.cellsSeen += data.cells.length;
      d.files.push(...(await writePartition(p, unit, unit.windows[w] as Window, data, io.output)));
    }
  }
  const records: UnitRecord[] = [];
  for (const [k, unit] of units.entries()) {
    const d = done[k] as (typeof done)[number];
    records.push(await finishUnit(p, unit, d.files, d.values, d.cellsSeen, io));
  }
  return records;
}

async function finishUnit(
  p: Prepared,
  unit: WorkUnit,
  files: UnitFile[],
  values: number,
  cellsSeen: number,
  io: UnitIO,
): Promise<UnitRecord> {
  const rows = files.reduce((n, f) => n + f.rows, 0);
  const times = files.flatMap((f) => f.time ?? []).sort();
  const record: UnitRecord = {
    unit: unit.id,
    configHash: p.configHash,
    rows,
    values,
    files,
    stats: mergeStats(files),
    ...(p.columnOrigins ? { columns: p.columnOrigins } : {}),
    ...(times.length ? { time: [times[0] as string, times.at(-1) as string] as [string, string] } : {}),
    span: unitSpan(unit),
    resolution: p.config.resolution,
    schema: schemaOf(p),
    finishedAt: new Date().toISOString(),
  };
  if (rows === 0) record.skipped = cellsSeen === 0 ? "no-cells" : "all-fill";
  await writeRecord(io.output, record);
  return record;
}

function mergeStats(files: UnitFile[]): Record<string, ValueStats> {
  const out: Record<string, ValueStats> = {};
  for (const f of files) {
    for (const [name, s] of Object.entries(f.stats ?? {})) {
      const o = out[name];
      if (!o) {
        out[name] = { ...s };
        continue;
      }
      o.count += s.count;
      o.sum += s.sum;
      if (s.min !== null) o.min = o.min === null ? s.min : Math.min(o.min, s.min);
      if (s.max !== null) o.max = o.max === null ? s.max : Math.max(o.max, s.max);
    }
  }
  return out;
}

function schemaOf(p: Prepared): { name: string; type: string }[] {
  const countAgg = p.config.aggregation === "count" && p.method === "aggregate";
  return [
    { name: `h${p.config.resolution}`, type: "uint64" },
    ...(p.timesMs ? [{ name: "time", type: "timestamp" }] : []),
    ...p.columns.map((c) => ({ name: c.name, type: countAgg ? "float64" : c.variable.decoder.outputType })),
    ...(p.method === "aggregate" ? [{ name: "count", type: "uint32" }] : []),
  ];
}
