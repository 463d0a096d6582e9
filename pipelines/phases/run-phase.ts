import type { Workspace } from "../project/workspace.js";
import {
  finalState,
  type Phase,
  type PhaseStatus,
  pendingStatus,
  writeStatus,
} from "../status/phase-status.js";

/** What a phase's body reports back; the runner turns it into the recorded status. */
export type PhaseOutcome = Pick<PhaseStatus, "counts" | "failures" | "details" | "warnings">;

/**
 * Run a phase body with its status recorded: "running" while it goes, then done / partial / failed with counts,
 * failures and timing. An exception fails the phase, is recorded with its message, and is re-thrown.
 */
export async function runPhase(
  ws: Workspace,
  phase: Phase,
  body: (status: PhaseStatus) => Promise<PhaseOutcome>,
  /** Status file name (default: the phase's); shards each write their own, merged by readStatus. */
  statusName: string = phase,
): Promise<PhaseStatus> {
  const started = Date.now();
  const status: PhaseStatus = {
    ...pendingStatus(phase),
    state: "running",
    startedAt: new Date(started).toISOString(),
  };
  await writeStatus(ws, status, statusName);
  try {
    const outcome = await body(status);
    Object.assign(status, outcome, { state: finalState(outcome.counts) });
  } catch (error) {
    status.state = "failed";
    status.error = error instanceof Error ? error.message : String(error);
    throw error;
  } finally {
    status.finishedAt = new Date().toISOString();
    status.durationMs = Date.now() - started;
    await writeStatus(ws, status, statusName);
  }
  return status;
}
