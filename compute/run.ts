/**
 * computeProject: reference set -> H3 Parquet. Plans work units, skips those with a completion record, runs the
 * rest serially or on worker threads (for this shard only, when sharded), and reports progress.
 */
import type { ReferenceSet } from "../refs/model/index.js";
import { CellMapper } from "./cells/mapper.js";
import { type ComputeConfig, normalizeConfig } from "./config.js";
import { ComputeConfigError, ComputeError } from "./errors.js";
import type { OutputStore } from "./io/output.js";
import { type Prepared, prepare } from "./prepare.js";
import { type Progress, ProgressMeter } from "./progress.js";
import {
  blocksSharedByGroups,
  DEFAULT_MAX_SPILL_BYTES,
  mappingBoxes,
  SharedBlockReader,
} from "./shared-blocks.js";
import type { ArrayReader } from "./source.js";
import { runGroup, unitSpan } from "./unit.js";
import { GROUP_ROWS, groupUnits, rowEstimator } from "./units/groups.js";
import type { Bbox } from "./units/h0-regions.js";
import type { WorkUnit } from "./units/plan.js";
import { readAllRecords, type UnitRecord } from "./units/record.js";
import { selectUnits, wipeUnits } from "./units/select.js";
import { inShard, type Shard } from "./units/shard.js";
import { runUnitsOnWorkers } from "./workers/units.js";

export interface ComputeIO {
  refs: ReferenceSet;
  read: ArrayReader;
  output: OutputStore;
  /** Local folder for cached grid -> cell mappings (shared by runs and shards on one machine). */
  cacheDir?: string;
}

/**
 * For `workers`: a module each worker thread imports to build its own ComputeIO (functions and stores cannot
 * cross threads). Its export `name` (default "default") is called with `args` (structured-cloneable).
 */
export interface IOModule {
  url: string;
  name?: string;
  args?: unknown;
}

export interface RunOptions {
  /** Worker threads running units (0 or absent: serial in this thread). Needs `ioModule`. */
  workers?: number;
  ioModule?: IOModule;
  shard?: Shard;
  /** Only these units (ids as `refs units` lists them); an unknown id is a ComputeConfigError. */
  units?: string[];
  /** Only units whose h0 cell's bounds meet this [west, south, east, north] box (degrees). */
  bbox?: Bbox;
  /** Delete the output (files and records) first: all of it, or only the selected units' when selecting. */
  wipe?: boolean;
  /**
   * Units sharing source blocks run in groups reading each block once for the group; a group's partitions hold
   * at most about this many rows at once (default GROUP_ROWS; 0: every unit alone, reading its blocks itself).
   */
  groupRows?: number;
  /** Local disk the blocks shared by groups may fill at once (default 8 GiB; past it they are read again). */
  maxSpillBytes?: number;
  /** Threads for the grid -> cell mapping (default 2; 0: this thread). */
  mappingThreads?: number;
  /** Blocks with fewer pixels map in this thread (default 200000). */
  minPixelsForWorkers?: number;
  onProgress?: (p: Progress) => void;
  /** Told once the plan is made, before any unit runs: the resolution and time window and why, unit counts. */
  onPlan?: (plan: PlanInfo) => void;
  /**
   * A unit that fails (a corrupt chunk, an unreadable file) is recorded in `failures` and the others go on; it has
   * no completion record, so a rerun tries it again. False: the first failure stops the run (default true).
   */
  continueOnError?: boolean;
}

export interface PlanInfo {
  resolution: number;
  resolutionReason: string;
  window: string;
  windowReason: string;
  method: "aggregate" | "sample";
  units: number;
  selected: number;
}

/** A unit that failed, with the reason (the UnitError's message, naming the unit and the cause). */
export interface UnitFailure {
  unit: string;
  reason: string;
}

export interface ComputeSummary {
  unitsTotal: number;
  /** Units selected by `units`/`bbox` (all without a selection), before sharding. */
  unitsSelected: number;
  /** The H3 resolution (given, or chosen from the grid) and why. */
  resolution: number;
  resolutionReason: string;
  /** The time window of the partitions, and why it was chosen. */
  window: string;
  windowReason: string;
  /** Units of this shard. */
  unitsPlanned: number;
  unitsRun: number;
  unitsAlreadyDone: number;
  unitsAllFill: number;
  rows: number;
  values: number;
  files: number;
  method: "aggregate" | "sample";
  progress: Progress;
  failures: UnitFailure[];
}

export async function computeProject(
  io: ComputeIO,
  config: ComputeConfig,
  options: RunOptions = {},
): Promise<ComputeSummary> {
  const normalized = normalizeConfig(config);
  const selecting = options.units !== undefined || options.bbox !== undefined;
  if (options.wipe && options.shard && options.shard.count > 1) {
    // Shards share one output: one shard wiping would delete the others' finished work.
    throw new ComputeConfigError("wipe", "wipe once without a shard before starting shards");
  }
  if (options.wipe && !selecting) {
    if (io.output.clear) await io.output.clear();
    else for (const path of await io.output.list("")) await io.output.delete(path);
  }
  const p = await prepare(io.refs, normalized, io.read);
  const selected = selectUnits(p.units, options);
  if (options.wipe && selecting) await wipeUnits(p, selected, io.output);
  const mine = inShard(selected, options.shard);
  options.onPlan?.({
    resolution: p.config.resolution,
    resolutionReason: p.resolutionReason,
    window: p.window,
    windowReason: p.windowReason,
    method: p.method,
    units: p.units.length,
    selected: selected.length,
  });
  const records = await readAllRecords(io.output);
  const done = (u: WorkUnit) => {
    const r = records.get(u.id);
    return r?.configHash === p.configHash && (r.span === undefined || r.span === unitSpan(u));
  };
  const stale = mine.find((u) => records.get(u.id) && records.get(u.id)?.configHash !== p.configHash);
  if (stale) {
    throw new ComputeError(
      `${io.output.root}: unit ${stale.id} was computed with another configuration; rerun with wipe to start over`,
    );
  }
  const todo = mine.filter((u) => !done(u));
  const meter = new ProgressMeter(mine.length, mine.length - todo.length, options.onProgress);
  const results: UnitRecord[] = [];
  const failures: UnitFailure[] = [];
  const onRecord = (r: UnitRecord) => {
    results.push(r);
    meter.unitFinished(r.rows, r.values);
  };
  const onFailure = (unit: WorkUnit, error: unknown) => {
    if (options.continueOnError === false) throw error;
    failures.push({ unit: unit.id, reason: error instanceof Error ? describeError(error) : String(error) });
    meter.unitFinished(0, 0);
  };
  const groups = unitGroups(p, todo, options);
  if (options.workers && options.workers > 0 && todo.length > 1) {
    if (!options.ioModule)
      throw new ComputeError("workers need an ioModule to build their own reader and output");
    const boxes = mappingBoxes(p.grid, blocksSharedByGroups(groups), p.config.resolution, p.method);
    await runUnitsOnWorkers(options.ioModule, config, groups, boxes, options, onRecord, onFailure);
  } else {
    await runSerial(p, io, groups, options, onRecord, onFailure);
  }
  return {
    unitsTotal: p.units.length,
    unitsSelected: selected.length,
    resolution: p.config.resolution,
    resolutionReason: p.resolutionReason,
    window: p.window,
    windowReason: p.windowReason,
    unitsPlanned: mine.length,
    unitsRun: results.length,
    unitsAlreadyDone: mine.length - todo.length,
    unitsAllFill: results.filter((r) => r.skipped === "all-fill").length,
    rows: results.reduce((s, r) => s + r.rows, 0),
    values: results.reduce((s, r) => s + r.values, 0),
    files: results.reduce((s, r) => s + r.files.length, 0),
    method: p.method,
    progress: meter.snapshot(),
    failures,
  };
}

/** An error's message followed by its causes' ("unit t3_y0_x1 failed: ...: not found: s3://..."). */
function describeError(error: Error): string {
  const parts = [error.message];
  for (let e = error.cause; e instanceof Error; e = e.cause)
    if (!parts[0]?.includes(e.message)) parts.push(e.message);
  return parts.join(": ");
}

export function mapperFor(p: Prepared, cacheDir: string | undefined, options: RunOptions): CellMapper {
  return new CellMapper(p.spec, p.grid, p.config.resolution, p.method, {
    ...(cacheDir ? { cacheDir } : {}),
    threads: options.mappingThreads ?? 2,
    minPixelsForWorkers: options.minPixelsForWorkers ?? 200_000,
  });
}

/** The units to run, in groups reading shared blocks once (each unit alone with groupRows 0). */
function unitGroups(p: Prepared, units: WorkUnit[], options: RunOptions): WorkUnit[][] {
  const maxRows = options.groupRows ?? GROUP_ROWS;
  if (maxRows <= 0) return units.map((u) => [u]);
  return groupUnits(units, rowEstimator(p.grid, p.config.resolution, p.timesMs !== undefined), maxRows);
}

async function runSerial(
  p: Prepared,
  io: ComputeIO,
  groups: WorkUnit[][],
  options: RunOptions,
  onRecord: (r: UnitRecord) => void,
  onFailure: (unit: WorkUnit, error: unknown) => void,
): Promise<void> {
  const mapper = mapperFor(p, io.cacheDir, options);
  // blocks that more than one group needs are read once (see shared-blocks.ts)
  const shared = groups.length > 1 ? blocksSharedByGroups(groups) : [];
  const boxes = mappingBoxes(p.grid, shared, p.config.resolution, p.method);
  const blocks =
    boxes.length > 0
      ? new SharedBlockReader(io.read, boxes, p, options.maxSpillBytes ?? DEFAULT_MAX_SPILL_BYTES)
      : undefined;
  const read = blocks?.read ?? io.read;
  try {
    // spilled blocks are released once no later group covers a time span seen so far (groupUnits keeps a
    // span's groups together, so that is at each change of span; in other orders, at the end)
    const lastOfSpan = new Map<string, number>();
    for (const [i, g] of groups.entries()) lastOfSpan.set(spanOf(g), i);
    let neededUntil = -1;
    for (const [i, group] of groups.entries()) {
      if (i > neededUntil && i > 0) await blocks?.release();
      neededUntil = Math.max(neededUntil, lastOfSpan.get(spanOf(group)) as number);
      await runGroup(p, group, { read, output: io.output, mapper }, onRecord, onFailure);
    }
  } finally {
    await mapper.close();
    await blocks?.close();
  }
}

/** The time windows a group's units cover (groupUnits puts units of one span together). */
function spanOf(group: WorkUnit[]): string {
  return (group[0]?.windows ?? []).map((w) => `${w.start}-${w.stop}`).join(",");
}
