/**
 * `refs scan <proj> --combine`: the combine alone, once shards (`--shard i/N`, array jobs) have scanned every
 * file. It reads the per-file results the shards recorded and makes the combined set exactly as a whole
 * `refs scan` would (same sample, same plan, same order), so the references are the same bytes. A file with no
 * result, or one older than the file, stops it before anything is written, naming the files; a file a shard
 * recorded as failed is left out and the phase ends partial, as in a whole run.
 */
import { RefsError } from "../../../refs/errors.js";
import type { Workspace } from "../../project/workspace.js";
import type { Failure } from "../../status/phase-status.js";
import { readShardStatuses } from "../../status/shard-status.js";
import { runPhase } from "../run-phase.js";
import type { CombineOutcome } from "./combine-step.js";
import { type FileScanSummary, summaryOf } from "./file-results.js";
import { listSources } from "./list-sources.js";
import type { ScanPlan } from "./plan.js";
import {
  combineScanned,
  DEFAULT_SAMPLE_SIZE,
  planFromSample,
  type ScanPhaseOptions,
  type ScanPhaseResult,
  scanContext,
} from "./scan-phase.js";
import { combineStatusDetails, describePlan, recordTotals } from "./scan-report.js";

/** Files without a (current) scan result: the combine would leave them out silently, so it refuses. */
export class MissingScanResultsError extends RefsError {
  override name = "MissingScanResultsError";
  constructor(
    readonly project: string,
    /** URLs, each with why ("no result" or "changed since scanned"). */
    readonly missing: readonly { url: string; why: string }[],
    readonly total: number,
  ) {
    const shown = missing.slice(0, 20).map((m) => `${m.url} (${m.why})`);
    const more = missing.length > shown.length ? ` and ${missing.length - shown.length} more` : "";
    super(
      `cannot combine ${project}: ${missing.length} of ${total} files have no scan result: ${shown.join(", ")}${more}. ` +
        `Run the shards that have not finished (or \`refs scan ${project}\`, which scans what is missing and combines)`,
    );
  }
}

/** Reasons recorded by shards for files they failed to scan, by URL (any shard set: a later result wins). */
async function shardFailures(ws: Workspace): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const { status } of await readShardStatuses(ws, "scan"))
    for (const f of status.failures) out.set(f.item, f.reason);
  return out;
}

export async function combineScans(ws: Workspace, options: ScanPhaseOptions = {}): Promise<ScanPhaseResult> {
  const config = await ws.loadConfig();
  const ctx = scanContext(ws, config, options);
  const files = await listSources(config.sources, ctx.storage);
  const failedInShards = await shardFailures(ws);
  const records: FileScanSummary[] = [];
  const failures: Failure[] = [];
  const missing: { url: string; why: string }[] = [];
  for (const file of files) {
    const record = await ctx.results.get(file.url);
    if (record && record.size === file.size) records.push(summaryOf(record));
    else if (!record && failedInShards.has(file.url))
      failures.push({ item: file.url, reason: failedInShards.get(file.url) as string });
    else
      missing.push({
        url: file.url,
        why: record ? `scanned at ${record.size} bytes, now ${file.size}` : "no result",
      });
  }
  if (missing.length > 0) throw new MissingScanResultsError(ws.name, missing, files.length);
  let plan: ScanPlan | undefined;
  let combined: CombineOutcome | undefined;
  const status = await runPhase(ws, "scan", async () => {
    ctx.log(`scan: combining the results of ${records.length} of ${files.length} files`);
    const sampleUrls = new Set(files.slice(0, options.sampleSize ?? DEFAULT_SAMPLE_SIZE).map((f) => f.url));
    const sample = records.filter((r) => sampleUrls.has(r.url));
    plan = await planFromSample(config, files.length, sample, ctx.results);
    ctx.log(describePlan(plan));
    for (const f of failures) ctx.log(`scan: left out ${f.item}, which failed in its shard: ${f.reason}`);
    combined = await combineScanned(ws, ctx, records, plan);
    return {
      counts: { total: files.length, done: records.length, skipped: 0, failed: failures.length },
      failures,
      details: { format: plan.format, ...recordTotals(records), ...combineStatusDetails(combined) },
    };
  });
  return { status, plan, combined };
}
