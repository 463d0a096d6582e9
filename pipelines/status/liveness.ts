/**
 * Whether a "running" status still has a live owner. A running phase records who runs it (host, pid) and
 * rewrites its status every heartbeat; a status whose owner is a dead process on this host, or whose heartbeat
 * is older than three intervals (a killed pod, a lost machine), is shown as "interrupted", never "running".
 */
import { hostname } from "node:os";

export interface PhaseOwner {
  host: string;
  pid: number;
}

/** Seconds between heartbeats: $REFS_HEARTBEAT_SECONDS, default 30 (pipelines is where env is read). */
export function heartbeatSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.REFS_HEARTBEAT_SECONDS);
  return Number.isFinite(value) && value > 0 ? value : 30;
}

export function currentOwner(): PhaseOwner {
  return { host: hostname(), pid: process.pid };
}

/** False when the process is known dead: on this host with no such pid. Another host's process: unknown (true). */
export function ownerAlive(owner: PhaseOwner): boolean {
  if (owner.host !== hostname()) return true;
  if (owner.pid === process.pid) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/** Why a running status is not live any more, or undefined while it is. */
export function interruption(
  status: { owner?: PhaseOwner; heartbeatAt?: string; heartbeatSeconds?: number },
  now: number = Date.now(),
): string | undefined {
  const { owner, heartbeatAt } = status;
  if (!owner || !heartbeatAt) return undefined; // written before heartbeats existed: cannot tell
  if (!ownerAlive(owner)) return `process ${owner.pid} on ${owner.host} is gone`;
  const age = (now - Date.parse(heartbeatAt)) / 1000;
  const limit = 3 * (status.heartbeatSeconds ?? heartbeatSeconds());
  if (age > limit) return `no heartbeat from process ${owner.pid} on ${owner.host} for ${Math.round(age)} s`;
  return undefined;
}
