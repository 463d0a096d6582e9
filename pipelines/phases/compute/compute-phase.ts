import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  type ComputeConfig,
  type ComputeSummary,
  computeProject,
  type SelectValue,
  type Shard,
} from "../../../compute/index.js";
import { Progress, type ProgressOptions } from "../../progress/progress.js";
import type { Workspace } from "../../project/workspace.js";
import type { PhaseStatus } from "../../status/phase-status.js";
import { shardStatusName } from "../../status/shard-status.js";
import { runPhase } from "../run-phase.js";
import projectIO from "./io.js";
import { dataVariables } from "./variables.js";

export interface ComputePhaseOptions {
  /** Worker threads running units; 0 or absent: serial. */
  workers?: number;
  /** Rows of partitions held at once by a group of units (`--group-rows`; 0: every unit alone). */
  groupRows?: number;
  shard?: Shard;
  wipe?: boolean;
  /** Only these units (`--unit`), and/or those meeting this box (`--bbox`). */
  units?: string[];
  bbox?: [number, number, number, number];
  /** Selections along extra dimensions (`--select`), over those of the project's compute settings. */
  select?: Record<string, SelectValue>;
  quiet?: boolean;
  log?: (line: string) => void;
  /** Where and how the progress line is drawn (default: stderr, redrawn on a terminal, every 5 s elsewhere). */
  progress?: Pick<ProgressOptions, "write" | "tty" | "intervalSeconds">;
}

/** The compute settings of a project, with variables detected from the references when none are named. */
export function computeConfigOf(
  config: Awaited<ReturnType<Workspace["loadConfig"]>>,
  variables: string[],
  select: Record<string, SelectValue> = {},
): ComputeConfig {
  const selection = { ...(config.compute.select ?? {}), ...select };
  const c = config.compute;
  return {
    variables: c.variables.length ? c.variables : variables,
    resolution: c.resolution,
    aggregation: c.aggregation,
    ...(Object.keys(selection).length > 0 ? { select: selection } : {}),
    ...(c.timePartition ? { timePartition: c.timePartition } : {}),
    ...(c.units ? { units: c.units } : {}),
    ...(c.maxRowsPerFile ? { maxRowsPerFile: c.maxRowsPerFile } : {}),
    ...(c.columns ? { columns: c.columns } : {}),
    ...(c.rollups === false ? { rollups: false } : {}),
  };
}

/** H3 Parquet through the project's references: serial, on worker threads, or this machine's shard. */
export async function computePhase(
  ws: Workspace,
  options: ComputePhaseOptions = {},
): Promise<{ status: PhaseStatus; summary: ComputeSummary | undefined }> {
  const config = await ws.loadConfig();
  const log = options.log ?? ((line: string) => options.quiet || console.error(line));
  let summary: ComputeSummary | undefined;
  const shard = options.shard;
  // Shards run at once on one workdir: each keeps its own status file, which `refs status` merges.
  const statusName = shard ? shardStatusName("compute", shard.index, shard.count) : "compute";
  const status = await runPhase(
    ws,
    "compute",
    async () => {
      const io = await projectIO({ workdir: ws.workdir, project: ws.name });
      const computeConfig = computeConfigOf(config, dataVariables(io.refs), options.select);
      log(`compute: ${computeConfig.variables.join(", ")} -> ${io.output.root}`);
      let progress: Progress | undefined;
      let seen = { rows: 0, values: 0 };
      // the progress is made when the first unit ends (the unit count is known then); rates count from now
      const startedAt = Date.now();
      summary = await computeProject(io, computeConfig, {
        ...(options.workers ? { workers: options.workers } : {}),
        ...(options.groupRows !== undefined ? { groupRows: options.groupRows } : {}),
        ioModule: {
          url: pathToFileURL(
            join(import.meta.dirname, `io${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`),
          ).href,
          args: { workdir: ws.workdir, project: ws.name },
        },
        ...(options.shard ? { shard: options.shard } : {}),
        ...(options.units ? { units: options.units } : {}),
        ...(options.bbox ? { bbox: options.bbox } : {}),
        ...(options.wipe ? { wipe: true } : {}),
        onPlan: (plan) => {
          log(`compute: H3 resolution ${plan.resolution} (${plan.resolutionReason})`);
          log(`compute: one partition per h0 cell x ${plan.window} (${plan.windowReason})`);
          log(`compute: ${plan.selected} of ${plan.units} units selected (${plan.method})`);
        },
        onProgress: (p) => {
          progress ??= new Progress({
            label: "compute",
            total: p.unitsTotal - p.unitsAlreadyDone,
            unit: "units",
            measures: [{ name: "rows" }, { name: "values", rate: true }],
            quiet: options.quiet ?? false,
            startedAt,
            ...options.progress,
          });
          progress.tick(1, 0, 0, { rows: p.rows - seen.rows, values: p.values - seen.values });
          seen = { rows: p.rows, values: p.values };
        },
      });
      progress?.finish();
      const s = summary;
      log(
        `compute: ${s.unitsRun} units run (${s.unitsAllFill} all fill), ${s.unitsAlreadyDone} already done, ` +
          `${s.rows} rows in ${s.files} files, ${Math.round(s.progress.valuesPerSecond)} values/s`,
      );
      for (const f of s.failures) log(`compute: failed ${f.reason}`);
      return {
        counts: {
          total: s.unitsPlanned,
          done: s.unitsRun,
          skipped: s.unitsAlreadyDone,
          failed: s.failures.length,
        },
        failures: s.failures.map((f) => ({ item: f.unit, reason: f.reason })),
        details: {
          rows: s.rows,
          values: s.values,
          files: s.files,
          method: s.method,
          valuesPerSecond: Math.round(s.progress.valuesPerSecond),
          unitsTotal: s.unitsTotal,
          unitsSelected: s.unitsSelected,
          window: s.window,
          resolution: s.resolution,
          ...(shard ? { shard: `${shard.index}/${shard.count}` } : {}),
        },
      };
    },
    statusName,
  );
  return { status, summary };
}
