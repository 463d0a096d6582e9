import type { Shard } from "../../../compute/index.js";
import { RefsError } from "../../../refs/errors.js";
import type { ObjectInfo, StorageOptions } from "../../../refs/storage/index.js";
import { Progress } from "../../progress/progress.js";
import type { ProjectConfig } from "../../project/config.js";
import { removeTree } from "../../project/workdir-io.js";
import type { Workspace } from "../../project/workspace.js";
import type { PhaseStatus } from "../../status/phase-status.js";
import { shardStatusName } from "../../status/shard-status.js";
import { runPhase } from "../run-phase.js";
import { storageOptions } from "../storage-options.js";
import { type CombineOutcome, combineAndWrite } from "./combine-step.js";
import { FileResults, type FileScanSummary } from "./file-results.js";
import { listSources } from "./list-sources.js";
import { planScan, type ScanPlan } from "./plan.js";
import { type ScanFilesOptions, scanFiles } from "./scan-files.js";
import { combineLines, combineStatusDetails, describePlan, fileLine, recordTotals } from "./scan-report.js";

/** Longest a single file may take to scan (metadata only: seconds even for large remote files). */
const FILE_SCAN_TIMEOUT_MS = 10 * 60_000;

export interface ScanPhaseOptions {
  wipe?: boolean;
  /** Files scanned at once (default 8). */
  concurrency?: number;
  /** Files scanned first to plan the rest (default 3). */
  sampleSize?: number;
  quiet?: boolean;
  /** A line per file: scanned (chunks, requests, bytes read), kept from an earlier run, or failed. */
  verbose?: boolean;
  log?: (line: string) => void;
  /**
   * Scan only this share of the files (k mod N = i over the files in URL order) and record each file's result;
   * no combine (`combineScans` does it once every file has a result). Its status is the shard's own.
   */
  shard?: Shard;
}

export interface ScanPhaseResult {
  status: PhaseStatus;
  /** Absent for a shard: the plan is made by the combine. */
  plan: ScanPlan | undefined;
  combined: CombineOutcome | undefined;
}

/** `--wipe` from one shard would delete the results of the others, which may be running. */
export class ShardWipeError extends RefsError {
  override name = "ShardWipeError";
  constructor(readonly shard: Shard) {
    super(
      `--wipe with shard ${shard.index}/${shard.count} would delete every shard's scan results: start over ` +
        "once with `refs scan <proj> --wipe` before the shards run",
    );
  }
}

/** What every scan run needs: the project, its sources' storage, the per-file results and how to scan. */
export interface ScanContext {
  config: ProjectConfig;
  storage: StorageOptions;
  results: FileResults;
  log: (line: string) => void;
  scanOptions: (progress: Progress) => ScanFilesOptions;
}

export function scanContext(ws: Workspace, config: ProjectConfig, options: ScanPhaseOptions): ScanContext {
  const log = options.log ?? ((line: string) => options.quiet || console.error(line));
  // a detail line replaces the progress bar's line on a terminal; the bar is redrawn at the next tick
  const clearBar = !options.log && process.stderr.isTTY ? "\r\x1b[2K" : "";
  const detail = (line: string) => log(`${clearBar}${line}`);
  const storage = storageOptions(config);
  return {
    config,
    storage,
    results: new FileResults(ws.scansDir),
    log,
    scanOptions: (progress) => ({
      storage,
      scan: {
        inlineThreshold: config.references.inlineThreshold,
        onError: config.references.onError,
        maxChunkBytes: config.references.maxChunkBytes,
        // one stalled or hostile file fails alone instead of holding the phase
        timeoutMs: FILE_SCAN_TIMEOUT_MS,
      },
      concurrency: options.concurrency ?? 8,
      onFile: (record, failure, skipped) => {
        if (options.verbose && !options.quiet) detail(fileLine(record, failure, skipped));
        progress.tick(1, skipped ? 0 : (record?.bytesRead ?? 0), failure ? 1 : 0);
      },
    }),
  };
}

/** The plan from the first `sampleSize` files' results (the same files for a whole run and for the combine). */
export async function planFromSample(
  config: ProjectConfig,
  files: number,
  sample: readonly FileScanSummary[],
  results: FileResults,
): Promise<ScanPlan> {
  const sampleSets = await Promise.all(sample.map((r) => results.references(r.url)));
  return planScan(config, files, sample, sampleSets);
}

/** Combine the files' results into one reference set and log what it did. */
export async function combineScanned(
  ws: Workspace,
  ctx: Pick<ScanContext, "config" | "storage" | "results" | "log">,
  records: readonly FileScanSummary[],
  plan: ScanPlan,
): Promise<CombineOutcome | undefined> {
  if (records.length === 0) return undefined;
  const combined = await combineAndWrite(ws, ctx.config, records, plan.format, ctx.results, ctx.storage);
  for (const line of combineLines(combined)) ctx.log(line);
  return combined;
}

export const DEFAULT_SAMPLE_SIZE = 3;

/**
 * scan + configure: list the sources, scan a sample and plan the reference format from it, scan every other file
 * concurrently (reusing results of earlier runs, a shard's included), then combine into one reference set.
 * With `shard`, only that share of the files is scanned and nothing is combined.
 */
export async function scanPhase(ws: Workspace, options: ScanPhaseOptions = {}): Promise<ScanPhaseResult> {
  const config = await ws.loadConfig();
  const ctx = scanContext(ws, config, options);
  if (options.shard) {
    if (options.wipe) throw new ShardWipeError(options.shard);
    return scanShard(ws, ctx, options.shard, options.quiet ?? false);
  }
  if (options.wipe) {
    await ctx.results.clear();
    await removeTree(ws.referencesDir);
  }
  let plan: ScanPlan | undefined;
  let combined: CombineOutcome | undefined;
  const status = await runPhase(ws, "scan", async (status) => {
    const files = await listSources(config.sources, ctx.storage);
    status.counts.total = files.length;
    ctx.log(`scan: ${files.length} files match ${config.sources.join(" ")}`);
    const progress = progressBar(files.length, options.quiet ?? false);
    const scanOptions = ctx.scanOptions(progress);
    const sampleSize = Math.min(options.sampleSize ?? DEFAULT_SAMPLE_SIZE, files.length);
    const first = await scanFiles(files.slice(0, sampleSize), ctx.results, scanOptions);
    plan = await planFromSample(config, files.length, first.records, ctx.results);
    ctx.log(describePlan(plan));
    const rest = await scanFiles(files.slice(sampleSize), ctx.results, scanOptions);
    progress.finish();
    const records = [...first.records, ...rest.records];
    const failures = [...first.failures, ...rest.failures];
    for (const f of failures) ctx.log(`scan: failed ${f.item}: ${f.reason}`);
    const skipped = first.skipped + rest.skipped;
    combined = await combineScanned(ws, ctx, records, plan);
    return {
      counts: { total: files.length, done: records.length - skipped, skipped, failed: failures.length },
      failures,
      details: { format: plan.format, ...recordTotals(records), ...combineStatusDetails(combined) },
    };
  });
  return { status, plan, combined };
}

function progressBar(total: number, quiet: boolean): Progress {
  return new Progress({ label: "scan", total, unit: "files", quiet });
}

/** The files of one shard: k mod N = i over every source in URL order (the order listSources gives). */
export function shardFiles(files: readonly ObjectInfo[], shard: Shard): ObjectInfo[] {
  return files.filter((_, k) => k % shard.count === shard.index);
}

/**
 * One shard: scan its files and record each result (a file already scanned, by this shard before it was killed
 * or by another process, is kept), with the shard's own status. Two processes on the same shard write the same
 * results, each file atomically, so the later write only replaces an equal one.
 */
async function scanShard(
  ws: Workspace,
  ctx: ScanContext,
  shard: Shard,
  quiet: boolean,
): Promise<ScanPhaseResult> {
  const name = shardStatusName("scan", shard.index, shard.count);
  const status = await runPhase(
    ws,
    "scan",
    async (status) => {
      const all = await listSources(ctx.config.sources, ctx.storage);
      const files = shardFiles(all, shard);
      status.counts.total = files.length;
      ctx.log(`scan: shard ${shard.index}/${shard.count}: ${files.length} of the ${all.length} files`);
      const progress = progressBar(files.length, quiet);
      const scanned = await scanFiles(files, ctx.results, ctx.scanOptions(progress));
      progress.finish();
      for (const f of scanned.failures) ctx.log(`scan: failed ${f.item}: ${f.reason}`);
      return {
        counts: {
          total: files.length,
          done: scanned.records.length - scanned.skipped,
          skipped: scanned.skipped,
          failed: scanned.failures.length,
        },
        failures: scanned.failures,
        details: recordTotals(scanned.records),
        warnings: [
          `references not combined yet: run \`refs scan ${ws.name} --combine\` once every shard is done`,
        ],
      };
    },
    name,
  );
  return { status, plan: undefined, combined: undefined };
}
