/** One work unit end to end: mapping, read + decode, gather, partitioned files, then the completion record. */
import { gatherRows } from "./cells/aggregate.js";
import type { CellMapper } from "./cells/mapper.js";
import { UnitError } from "./errors.js";
import type { OutputStore } from "./io/output.js";
import type { Prepared } from "./prepare.js";
import type { ArrayReader } from "./source.js";
import { writeUnitFiles } from "./unit-files.js";
import { readUnitColumns } from "./unit-read.js";
import type { WorkUnit } from "./units/plan.js";
import { type UnitRecord, type ValueStats, writeRecord } from "./units/record.js";

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

async function runUnitInner(p: Prepared, unit: WorkUnit, io: UnitIO): Promise<UnitRecord> {
  const mapping = await io.mapper.mapping(unit.block);
  const steps = unit.time ? unit.time[1] - unit.time[0] : 1;
  const timeStart = unit.time?.[0] ?? 0;
  const base = {
    unit: unit.id,
    configHash: p.configHash,
    files: [],
    stats: {},
    ...(p.columnOrigins ? { columns: p.columnOrigins } : {}),
  };
  const blockPixels = (unit.block.y1 - unit.block.y0) * (unit.block.x1 - unit.block.x0);
  const values = blockPixels * steps * p.columns.length;
  if (mapping.cells.length === 0) {
    const record: UnitRecord = {
      ...base,
      rows: 0,
      values,
      skipped: "no-cells",
      finishedAt: new Date().toISOString(),
    };
    await writeRecord(io.output, record);
    return record;
  }
  // Buffers in column order: each variable's columns are contiguous in p.columns.
  const buffers: Float64Array[] = [];
  for (const v of p.variables) {
    const mine = p.columns.filter((c) => c.variable === v);
    buffers.push(...(await readUnitColumns(io.read, v, mine, p, unit.time, mapping)));
  }
  const plane = (mapping.rows[1] - mapping.rows[0]) * mapping.columns.reduce((s, [a, b]) => s + b - a, 0);
  const rows = gatherRows(
    mapping,
    buffers,
    steps,
    plane,
    p.method === "sample" ? "mean" : p.config.aggregation,
  );
  buffers.length = 0;
  const files = await writeUnitFiles(p, unit.id, timeStart, mapping, rows, io.output);
  const stats: Record<string, ValueStats> = {};
  p.columns.forEach((c, k) => {
    stats[c.name] = statsOf(rows.values[k] as Float64Array, rows.length);
  });
  const record: UnitRecord = {
    ...base,
    rows: rows.length,
    values,
    files,
    stats,
    finishedAt: new Date().toISOString(),
  };
  if (rows.length === 0) record.skipped = "all-fill";
  if (p.timesMs && unit.time && rows.length > 0) {
    const t = p.timesMs.subarray(unit.time[0], unit.time[1]);
    record.time = [new Date(Math.min(...t)).toISOString(), new Date(Math.max(...t)).toISOString()];
  }
  await writeRecord(io.output, record);
  return record;
}

function statsOf(values: Float64Array, n: number): ValueStats {
  let count = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    if (Number.isNaN(v)) continue;
    count++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { count, min: count ? min : null, max: count ? max : null, sum };
}
