import type { Workspace } from "../project/workspace.js";
import { currentOwner, heartbeatSeconds } from "../status/liveness.js";
import {
  finalState,
  type Phase,
  type PhaseStatus,
  pendingStatus,
  writeStatus,
} from "../status/phase-status.js";
import { cleanTemporaries } from "./temporaries.js";

/** What a phase's body reports back; the runner turns it into the recorded status. */
export type PhaseOutcome = Pick<PhaseStatus, "counts" | "failures" | "details" | "warnings">;

/**
 * Run a phase body with its status recorded: "running" with its owner (host, pid) and a heartbeat rewritten
 * every interval while it goes, then done / partial / failed with counts, failures and timing. An exception
 * fails the phase, is recorded with its message, and is re-thrown. Temporaries that killed runs left in the
 * project are removed first.
 */
export async function runPhase(
  ws: Workspace,
  phase: Phase,
  body: (status: PhaseStatus) => Promise<PhaseOutcome>,
  /** Status file name (default: the phase's); shards each write their own, merged by readStatus. */
  statusName: string = phase,
): Promise<PhaseStatus> {
  const started = Date.now();
  const interval = heartbeatSeconds();
  const status: PhaseStatus = {
    ...pendingStatus(phase),
    state: "running",
    startedAt: new Date(started).toISOString(),
    owner: currentOwner(),
    heartbeatAt: new Date(started).toISOString(),
    heartbeatSeconds: interval,
  };
  await cleanTemporaries(ws.dir);
  // writes one after another, so a late heartbeat never lands over the final status
  let writing = writeStatus(ws, status, statusName);
  await writing;
  const heartbeat = setInterval(() => {
    status.heartbeatAt = new Date().toISOString();
    // a missed heartbeat is not a failure of the phase: the next one, or the final status, follows
    writing = writing.then(() => writeStatus(ws, status, statusName)).catch(() => undefined);
  }, interval * 1000);
  heartbeat.unref();
  try {
    const outcome = await body(status);
    Object.assign(status, outcome, { state: finalState(outcome.counts) });
  } catch (error) {
    status.state = "failed";
    status.error = error instanceof Error ? error.message : String(error);
    throw error;
  } finally {
    clearInterval(heartbeat);
    await writing;
    status.finishedAt = new Date().toISOString();
    status.durationMs = Date.now() - started;
    delete status.heartbeatAt;
    delete status.heartbeatSeconds;
    await writeStatus(ws, status, statusName);
  }
  return status;
}
