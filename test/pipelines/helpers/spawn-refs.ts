/** `refs` as a separate process (node bin/refs.js from the checkout), for tests that need real processes. */
import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";

const root = resolve(import.meta.dirname, "..", "..", "..");

export interface ProcessRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

export interface SpawnedRefs {
  child: ChildProcess;
  done: Promise<ProcessRun>;
}

/**
 * Start `refs <args>` with `env` over the test's environment (REFS_WORKDIR cleared); `onErrLine` sees each
 * stderr line as it comes (e.g. to kill the process mid-way).
 */
export function spawnRefs(
  args: string[],
  env: Record<string, string> = {},
  onErrLine?: (line: string, child: ChildProcess) => void,
): SpawnedRefs {
  const child = spawn(process.execPath, ["bin/refs.js", ...args], {
    cwd: root,
    env: { ...process.env, REFS_WORKDIR: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  let pending = "";
  child.stdout?.on("data", (b: Buffer) => {
    out += b.toString();
  });
  child.stderr?.on("data", (b: Buffer) => {
    const text = b.toString();
    err += text;
    if (!onErrLine) return;
    pending += text;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) onErrLine(line, child);
  });
  const done = new Promise<ProcessRun>((resolveRun, fail) => {
    child.on("error", fail);
    child.on("close", (code, signal) => resolveRun({ code, signal, out, err }));
  });
  return { child, done };
}

export function runRefs(args: string[], env: Record<string, string> = {}): Promise<ProcessRun> {
  return spawnRefs(args, env).done;
}
