/**
 * One work unit end to end: for each of its partitions (h0 cell x time window) the cells of its blocks, read +
 * decode + gather into a partition, the partition's files, then one completion record for the unit.
 */
import type { CellMapper } from "./cells/mapper.js";
import { UnitError } from "./errors.js";
import type { OutputStore } from "./io/output.js";
import { gatherPartition } from "./partition.js";
import { writePartition } from "./partition-files.js";
import type { Prepared } from "./prepare.js";
import type { ArrayReader } from "./source.js";
import type { WorkUnit } from "./units/plan.js";
import { type UnitFile, type UnitRecord, type ValueStats, writeRecord } from "./units/record.js";

export interface UnitIO {
  read: ArrayReader;
  output: OutputStore;
  mapper: CellMapper;
}

export async function runUnit(p: Prepared, unit: WorkUnit, io: UnitIO): Promise<UnitRecord> {
  try {
    return await runUnitInner(p, unit, io);
  } catch (e) {
    throw new UnitError(unit.id, { cause: e });
  }
}

/** The time steps a unit covers, as its record keeps them. */
export function unitSpan(unit: WorkUnit): string {
  return unit.windows.map((w) => `${w.start}-${w.stop}`).join(",");
}

async function runUnitInner(p: Prepared, unit: WorkUnit, io: UnitIO): Promise<UnitRecord> {
  const files: UnitFile[] = [];
  let values = 0;
  let cellsSeen = 0;
  for (const window of unit.windows) {
    const data = await gatherPartition(p, unit, window, io);
    values += data.valuesRead;
    cellsSeen += data.cells.length;
    files.push(...(await writePartition(p, unit, window, data, io.output)));
  }
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
