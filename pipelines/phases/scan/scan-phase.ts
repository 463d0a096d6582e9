import { formatBytes, Progress } from "../../progress/progress.js";
import { removeTree } from "../../project/workdir-io.js";
import type { Workspace } from "../../project/workspace.js";
import type { Failure, PhaseStatus } from "../../status/phase-status.js";
import { runPhase } from "../run-phase.js";
import { storageOptions } from "../storage-options.js";
import { type CombineOutcome, combineAndWrite } from "./combine-step.js";
import { FileResults, type FileScanRecord } from "./file-results.js";
import { listSources } from "./list-sources.js";
import { planScan, type ScanPlan } from "./plan.js";
import { type ScanFilesOptions, scanFiles } from "./scan-files.js";

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
}

export interface ScanPhaseResult {
  status: PhaseStatus;
  plan: ScanPlan;
  combined: CombineOutcome | undefined;
}

/**
 * scan + configure: list the sources, scan a sample and plan the reference format from it, scan every other file
 * concurrently (reusing results of earlier runs), then combine into one reference set.
 */
export async function scanPhase(ws: Workspace, options: ScanPhaseOptions = {}): Promise<ScanPhaseResult> {
  const config = await ws.loadConfig();
  const log = options.log ?? ((line: string) => options.quiet || console.error(line));
  // a detail line replaces the progress bar's line on a terminal; the bar is redrawn at the next tick
  const clearBar = !options.log && process.stderr.isTTY ? "\r\x1b[2K" : "";
  const detail = (line: string) => log(`${clearBar}${line}`);
  const results = new FileResults(ws.scansDir);
  if (options.wipe) {
    await results.clear();
    await removeTree(ws.referencesDir);
  }
  let plan: ScanPlan | undefined;
  let combined: CombineOutcome | undefined;
  const status = await runPhase(ws, "scan", async (status) => {
    const storage = storageOptions(config);
    const files = await listSources(config.sources, storage);
    status.counts.total = files.length;
    log(`scan: ${files.length} files match ${config.sources.join(" ")}`);
    const progress = new Progress({
      label: "scan",
      total: files.length,
      unit: "files",
      quiet: options.quiet ?? false,
    });
    const scanOptions: ScanFilesOptions = {
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
    };
    const sampleSize = Math.min(options.sampleSize ?? 3, files.length);
    const first = await scanFiles(files.slice(0, sampleSize), results, scanOptions);
    const sampleSets = await Promise.all(first.records.map((r) => results.references(r.url)));
    plan = planScan(config, files.length, first.records, sampleSets);
    log(describePlan(plan));
    const rest = await scanFiles(files.slice(sampleSize), results, scanOptions);
    progress.finish();
    const records = [...first.records, ...rest.records];
    const failures = [...first.failures, ...rest.failures];
    for (const f of failures) log(`scan: failed ${f.item}: ${f.reason}`);
    const skipped = first.skipped + rest.skipped;
    if (records.length > 0) {
      combined = await combineAndWrite(ws, config, records, plan.format, results, storage);
      log(
        `scan: ${combined.reused ? "combined references unchanged" : "wrote"} ${combined.path}${howCombined(combined)}`,
      );
      for (const line of encodingLines(combined)) log(line);
    }
    return {
      counts: { total: files.length, done: records.length - skipped, skipped, failed: failures.length },
      failures,
      details: {
        format: plan.format,
        chunks: records.reduce((s, r) => s + r.chunks, 0),
        requests: records.reduce((s, r) => s + r.requests, 0),
        bytesRead: records.reduce((s, r) => s + r.bytesRead, 0),
        sourceBytes: records.reduce((s, r) => s + r.size, 0),
        ...(combined
          ? {
              references: combined.path,
              concatDims: combined.concatDims.join(","),
              combine: combineDetail(combined),
              ...(combined.perFilePacking?.length
                ? { perFilePacking: combined.perFilePacking.join(",") }
                : {}),
              ...(combined.reencoded?.length ? { reencodedTimes: combined.reencoded.join(",") } : {}),
            }
          : {}),
      },
    };
  });
  return { status, plan: plan as ScanPlan, combined };
}

/** Which path the combine took: kept, appended to the previous set, or every file combined (and why). */
function combineDetail(c: CombineOutcome): string {
  if (c.reused) return "unchanged";
  if (c.mode === "append") return `appended ${c.appended} file(s)`;
  return c.fullReason ? `full (${c.fullReason})` : "full";
}

/** What the combine did about files that encode a variable differently, so nobody is surprised in xarray. */
function encodingLines(c: CombineOutcome): string[] {
  const lines = (c.perFilePacking ?? []).map(
    (v) =>
      `scan: the files pack ${v} with different scale_factor/add_offset: carried per file as ${v}_scale_factor ` +
      `and ${v}_add_offset (in xarray: ds.${v} * ds.${v}_scale_factor + ds.${v}_add_offset; refs applies them itself)`,
  );
  if (c.reencoded?.length)
    lines.push(`scan: ${c.reencoded.join(", ")}: times re-encoded into the combined time encoding`);
  return lines;
}

function howCombined(c: CombineOutcome): string {
  return c.reused ? "" : ` (${combineDetail(c)})`;
}

/** -v: what happened to one file. */
function fileLine(
  record: FileScanRecord | undefined,
  failure: Failure | undefined,
  skipped: boolean,
): string {
  if (failure || !record) return `scan: ${failure?.item}: failed: ${failure?.reason}`;
  if (skipped)
    return `scan: ${record.url}: unchanged since ${record.scannedAt}, kept (${record.chunks} chunks)`;
  return (
    `scan: ${record.url}: ${record.format}, ${record.chunks} chunks, ${record.requests} requests, ` +
    `${formatBytes(record.bytesRead)} read of ${formatBytes(record.size)}` +
    (record.issues.length ? `, ${record.issues.length} objects left out` : "")
  );
}

function describePlan(p: ScanPlan): string {
  const times = Object.entries(p.timeEncodings).map(([name, encodings]) =>
    encodings.length === 1
      ? `scan: ${name} is encoded as ${encodings[0]} in every sampled file`
      : `scan: ${name} has ${encodings.length} encodings in the sample (${encodings.join("; ")}): combined values are re-encoded to the first`,
  );
  return [
    `scan: sampled ${p.sampled} of ${p.files} files: ${p.chunksPerFile.toFixed(0)} chunks per file,`,
    `average chunk ${(p.averageChunkBytes / 1024).toFixed(1)} KiB, about ${p.expectedReferences} references`,
    `(~${(p.expectedJsonBytes / 1048576).toFixed(1)} MiB as JSON) -> ${p.format}: ${p.formatReason}`,
  ]
    .join(" ")
    .concat(times.length ? `\n${times.join("\n")}` : "");
}
