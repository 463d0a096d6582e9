import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { clockTicks } from "./catalog-load.js";

/** `refs serve` running as a real process (and its forked serving processes). */
export interface ServeProcess {
  url: string;
  /** CPU used so far by the primary and its serving processes, in ms (Linux /proc). */
  cpuMs(): number;
  stop(): Promise<void>;
}

const root = join(import.meta.dirname, "..", "..");

/** Start `node bin/refs.js serve <args>` and wait for the line naming its URL. */
export function startServe(args: string[]): Promise<ServeProcess> {
  const child = spawn(process.execPath, [join(root, "bin", "refs.js"), "serve", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr.on("data", (d) => {
    err += String(d);
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += String(d);
      const m = /STAC API at (http:\/\/\S+?)\//.exec(out);
      if (m)
        resolve({
          url: m[1]!,
          cpuMs: () => [child.pid!, ...refsChildren(child.pid!)].reduce((s, pid) => s + cpuOf(pid), 0),
          stop: async () => {
            if (child.exitCode !== null) return;
            const exited = new Promise((r) => child.once("exit", r));
            child.kill("SIGTERM");
            await exited;
          },
        });
    });
    child.once("exit", (code) => reject(new Error(`refs serve exited with ${code}: ${out}${err}`)));
  });
}

function stat(pid: number): string[] {
  const text = readFileSync(`/proc/${pid}/stat`, "utf8");
  return text.slice(text.lastIndexOf(")") + 2).split(" ");
}

/** utime + stime of a live process, in ms. */
function cpuOf(pid: number): number {
  try {
    const f = stat(pid);
    return ((Number(f[11]) + Number(f[12])) * 1000) / clockTicks();
  } catch {
    return 0;
  }
}

/** Serving processes forked by the primary (its other children, such as tsx's esbuild, are left out). */
function refsChildren(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (Number(stat(Number(name))[1]) !== pid) continue;
      if (readFileSync(`/proc/${name}/cmdline`, "utf8").includes("refs.js")) out.push(Number(name));
    } catch {
      // ended while we looked
    }
  }
  return out;
}

/** CPU used so far by every PostgreSQL server process on this machine (the backends serving our searches), in ms. */
export function postgresCpuMs(): number {
  let ms = 0;
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/comm`, "utf8").trim() === "postgres") ms += cpuOf(Number(name));
    } catch {
      // ended while we looked
    }
  }
  return ms;
}
