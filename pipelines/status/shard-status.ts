/**
 * Shards of a phase (`--shard i/N`, the pods of a Kubernetes Indexed Job) run at once on one workdir, so each
 * writes `status/<phase>.shard-<i>-of-<N>.json` instead of overwriting `<phase>.json`; these merge them back
 * into one status: counts and numeric details summed, failures and errors together, one state for all.
 */
import { joinPath, listNames } from "../project/workdir-io.js";
import type { Workspace } from "../project/workspace.js";
import { readJson } from "../project/workspace.js";
import { finalState, type Phase, type PhaseState, type PhaseStatus } from "./phase-status.js";

export interface ShardStatus {
  index: number;
  count: number;
  status: PhaseStatus;
}

export function shardStatusName(phase: Phase, index: number, count: number): string {
  return `${phase}.shard-${index}-of-${count}`;
}

export async function readShardStatuses(ws: Workspace, phase: Phase): Promise<ShardStatus[]> {
  const names = await listNames(joinPath(ws.dir, "status"));
  const pattern = new RegExp(`^${phase}\\.shard-(\\d+)-of-(\\d+)\\.json$`);
  const out: ShardStatus[] = [];
  for (const name of names.sort()) {
    const m = pattern.exec(name);
    if (!m) continue;
    const status = await readJson<PhaseStatus>(ws.statusFile(name.slice(0, -".json".length)));
    if (status) out.push({ index: Number(m[1]), count: Number(m[2]), status });
  }
  return out;
}

const time = (iso: string | undefined) => (iso ? Date.parse(iso) : Number.NEGATIVE_INFINITY);

/**
 * What the phase's status is: the whole-run status or the merged shards, whichever started last (a run without
 * shards after a sharded one, or the reverse, supersedes it). Of shards run with different counts, the latest
 * set counts.
 */
export function shardStatusOrWhole(
  phase: Phase,
  whole: PhaseStatus | undefined,
  shards: readonly ShardStatus[],
): PhaseStatus | undefined {
  if (shards.length === 0) return whole;
  const latestCount = [...shards].sort((a, b) => time(b.status.startedAt) - time(a.status.startedAt))[0]
    ?.count as number;
  const set = shards.filter((s) => s.count === latestCount);
  const setStarted = Math.max(...set.map((s) => time(s.status.startedAt)));
  if (whole && time(whole.startedAt) >= setStarted) return whole;
  return mergeShardStatuses(phase, latestCount, set);
}

/** One status for the shards of a run with `count` shards (some may not have reported yet). */
export function mergeShardStatuses(phase: Phase, count: number, shards: readonly ShardStatus[]): PhaseStatus {
  const counts = { total: 0, done: 0, skipped: 0, failed: 0 };
  const details: Record<string, number | string> = {};
  const errors: string[] = [];
  for (const { index, status } of shards) {
    counts.total += status.counts.total;
    counts.done += status.counts.done;
    counts.skipped += status.counts.skipped;
    counts.failed += status.counts.failed;
    for (const [key, value] of Object.entries(status.details ?? {})) {
      if (typeof value !== "number") continue;
      // totals every shard knows (all units) are the same in each; the rest add up
      details[key] = key === "unitsTotal" ? value : ((details[key] as number | undefined) ?? 0) + value;
    }
    if (status.error) errors.push(`shard ${index}/${count}: ${status.error}`);
    if (status.interruptedBecause)
      errors.push(`shard ${index}/${count} interrupted: ${status.interruptedBecause}`);
  }
  if (typeof details.unitsTotal === "number") counts.total = Math.max(counts.total, details.unitsTotal);
  const reported = new Set(shards.map((s) => s.index)).size;
  details.shards = `${reported}/${count}`;
  const merged: PhaseStatus = {
    phase,
    state: mergedState(shards, count, counts),
    counts,
    failures: shards.flatMap((s) => s.status.failures),
    details,
  };
  const starts = shards.map((s) => time(s.status.startedAt)).filter(Number.isFinite);
  if (starts.length > 0) merged.startedAt = new Date(Math.min(...starts)).toISOString();
  const ends = shards.map((s) => time(s.status.finishedAt));
  if (
    merged.state !== "running" &&
    merged.state !== "interrupted" &&
    ends.every(Number.isFinite) &&
    starts.length > 0
  ) {
    const end = Math.max(...ends);
    merged.finishedAt = new Date(end).toISOString();
    merged.durationMs = end - Math.min(...starts);
  }
  if (errors.length > 0) merged.error = errors.join("; ");
  const warnings = [...new Set(shards.flatMap((s) => s.status.warnings ?? []))];
  if (warnings.length > 0) merged.warnings = warnings;
  return merged;
}

function mergedState(
  shards: readonly ShardStatus[],
  count: number,
  counts: PhaseStatus["counts"],
): PhaseState {
  const states = shards.map((s) => s.status.state);
  // a shard that has not reported may not be scheduled yet: the run is not over
  if (states.includes("running") || new Set(shards.map((s) => s.index)).size < count) return "running";
  if (states.includes("interrupted")) return "interrupted";
  if (states.includes("failed")) return counts.done + counts.skipped > 0 ? "partial" : "failed";
  const state = finalState(counts);
  return state === "done" && states.includes("partial") ? "partial" : state;
}
