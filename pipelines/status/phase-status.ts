import type { Workspace } from "../project/workspace.js";
import { readJson, writeJsonAtomic } from "../project/workspace.js";
import { interruption, type PhaseOwner } from "./liveness.js";
import { readShardStatuses, shardStatusOrWhole } from "./shard-status.js";

export const PHASES = ["scan", "validate", "compute", "catalog"] as const;
export type Phase = (typeof PHASES)[number];

/** "interrupted": recorded as running, but its process is gone (killed, machine lost): see liveness.ts. */
export type PhaseState = "pending" | "running" | "interrupted" | "done" | "failed" | "partial";

/** One item (file, work unit, item) that failed, with the reason. */
export interface Failure {
  item: string;
  reason: string;
}

/** What `refs status` shows for a phase; written by the phase as it goes. */
export interface PhaseStatus {
  phase: Phase;
  state: PhaseState;
  counts: { total: number; done: number; skipped: number; failed: number };
  failures: Failure[];
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  /** Phase-specific figures (chunks, bytes read, rows, items...). */
  details?: Record<string, number | string>;
  /** What the phase could not do but did not fail for (e.g. "schema validation skipped: <why>"). */
  warnings?: string[];
  error?: string;
  /** Who runs the phase (while running), and when it last said it still does. */
  owner?: PhaseOwner;
  heartbeatAt?: string;
  /** The owner's heartbeat interval: stale after three. */
  heartbeatSeconds?: number;
  /** Why a phase recorded as running is not (set when read, never written). */
  interruptedBecause?: string;
}

export function pendingStatus(phase: Phase): PhaseStatus {
  return { phase, state: "pending", counts: { total: 0, done: 0, skipped: 0, failed: 0 }, failures: [] };
}

/**
 * The status of a phase: its `status/<phase>.json`, or, when shards (`--shard i/N`, a Kubernetes Indexed Job) ran
 * it more recently, their `status/<phase>.shard-<i>-of-<N>.json` files merged.
 */
export async function readStatus(ws: Workspace, phase: Phase): Promise<PhaseStatus> {
  const whole = await readJson<PhaseStatus>(ws.statusFile(phase));
  const shards = (await readShardStatuses(ws, phase)).map((s) => ({ ...s, status: asSeen(s.status) }));
  return shardStatusOrWhole(phase, whole && asSeen(whole), shards) ?? pendingStatus(phase);
}

/** A running status whose owner is gone reads as interrupted, with the reason. */
export function asSeen(status: PhaseStatus, now: number = Date.now()): PhaseStatus {
  if (status.state !== "running") return status;
  const why = interruption(status, now);
  return why ? { ...status, state: "interrupted", interruptedBecause: why } : status;
}

/** Writes `status/<name>.json`; `name` is the phase's, or a shard's (shardStatusName). */
export async function writeStatus(
  ws: Workspace,
  status: PhaseStatus,
  name: string = status.phase,
): Promise<void> {
  await writeJsonAtomic(ws.statusFile(name), status);
}

/** The state a finished phase ends in: done, partial (some items failed) or failed (nothing succeeded). */
export function finalState(counts: PhaseStatus["counts"]): PhaseState {
  if (counts.failed === 0) return "done";
  return counts.done + counts.skipped > 0 ? "partial" : "failed";
}
