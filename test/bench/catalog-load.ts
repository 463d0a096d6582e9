import { execFileSync, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";

/** What one load run measured: latency percentiles in ms, throughput, and the load generator's own CPU. */
export interface LoadResult {
  tool: "wrk" | "node:http";
  requests: number;
  seconds: number;
  p50: number;
  p99: number;
  /** CPU the load generator itself used, ms per request (so a heavy client shows up in the table). */
  clientCpuMsPerRequest: number;
}

export interface LoadOptions {
  clients: number;
  seconds: number;
  /** Folder for wrk's Lua script. */
  tmpDir: string;
  /** "auto" (default) uses wrk when it is installed, else a node:http client. */
  tool?: "auto" | "wrk" | "node:http";
}

/** Whether Debian's `wrk` is on the PATH. */
export function haveWrk(): boolean {
  try {
    execFileSync("wrk", ["--version"], { stdio: "ignore" });
    return true;
  } catch (e) {
    // wrk --version prints its banner and exits with 1; only a missing binary is ENOENT
    return (e as NodeJS.ErrnoException).code !== "ENOENT";
  }
}

/**
 * Drive a server with `clients` concurrent keep-alive connections for `seconds`, each sending GET requests taken
 * in turn from `paths`. The generator runs in its own process (wrk in C, or a small node:http client), so its CPU
 * is not the server's; any answer other than 200 fails the run.
 */
export async function loadTest(base: string, paths: string[], o: LoadOptions): Promise<LoadResult> {
  const tool = o.tool === undefined || o.tool === "auto" ? (haveWrk() ? "wrk" : "node:http") : o.tool;
  return tool === "wrk" ? wrkLoad(base, paths, o) : nodeLoad(base, paths, o);
}

/** Run a command through sh and read its CPU from the shell's cutime/cstime once it has waited for it. */
function runMeasured(
  command: string,
  args: string[],
  stdin?: string,
): Promise<{ out: string; cpuMs: number }> {
  const script = `"$@"; s=$?; echo; echo "@@stat $(cat /proc/$$/stat)"; exit $s`;
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", script, "sh", command, ...args], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += String(d);
    });
    child.stderr.on("data", (d) => {
      err += String(d);
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      const stat = /@@stat (.*)/.exec(out)?.[1] ?? "";
      // fields after "(comm)": state is 3rd; cutime and cstime are the 16th and 17th
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const cpuMs = ((Number(f[13]) + Number(f[14])) * 1000) / clockTicks();
      if (code !== 0)
        reject(new Error(`${command} exited with ${code}: ${err.slice(0, 500)} ${out.slice(0, 500)}`));
      else resolve({ out: out.replace(/@@stat .*/, ""), cpuMs });
    });
    child.stdin.end(stdin ?? "");
  });
}

let ticks: number | undefined;
/** Kernel clock ticks per second (the unit of /proc/<pid>/stat times). */
export function clockTicks(): number {
  ticks ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  return ticks;
}

async function wrkLoad(base: string, paths: string[], o: LoadOptions): Promise<LoadResult> {
  const script = join(o.tmpDir, "catalog-paths.lua");
  // JSON string literals are valid Lua string literals for these URL-encoded paths
  await writeFile(
    script,
    `local paths = { ${paths.map((p) => JSON.stringify(p)).join(",\n")} }
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('@@wrk {"requests":%d,"us":%d,"p50":%f,"p99":%f,"bad":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.status + e.connect + e.read + e.write + e.timeout))
end
`,
  );
  const threads = String(Math.min(2, o.clients));
  const args = ["-t", threads, "-c", String(o.clients), "-d", `${o.seconds}s`, "-s", script, base];
  const { out, cpuMs } = await runMeasured("wrk", args);
  const m = /@@wrk (.*)/.exec(out);
  if (!m) throw new Error(`wrk printed no summary: ${out.slice(0, 500)}`);
  const r = JSON.parse(m[1]!) as { requests: number; us: number; p50: number; p99: number; bad: number };
  if (r.bad > 0) throw new Error(`wrk: ${r.bad} of ${r.requests} requests failed or were not 200\n${out}`);
  return {
    tool: "wrk",
    requests: r.requests,
    seconds: r.us / 1e6,
    p50: r.p50,
    p99: r.p99,
    clientCpuMsPerRequest: cpuMs / r.requests,
  };
}

/** The node:http client: one keep-alive Agent with a socket per client, latencies kept in a Float64Array. */
const NODE_CLIENT = `
const http = require("node:http");
const { base, paths, clients, seconds } = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
const url = new URL(base);
const lat = [];
const end = performance.now() + seconds * 1000;
let next = 0;
function one(path) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.get({ host: url.hostname, port: url.port, path, agent }, (res) => {
      let size = 0;
      res.on("data", (d) => { size += d.length; });
      res.on("end", () => {
        if (res.statusCode !== 200) reject(new Error("HTTP " + res.statusCode + " for " + path));
        else { lat.push(performance.now() - t0); resolve(size); }
      });
    });
    req.once("error", reject);
  });
}
async function client() {
  while (performance.now() < end) await one(paths[next++ % paths.length]);
}
const t0 = performance.now();
Promise.all(Array.from({ length: clients }, client)).then(() => {
  const ms = performance.now() - t0;
  lat.sort((a, b) => a - b);
  const at = (p) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))];
  const cpu = process.cpuUsage();
  console.log("@@node " + JSON.stringify({ requests: lat.length, ms, p50: at(50), p99: at(99), cpuMs: (cpu.user + cpu.system) / 1000 }));
  agent.destroy();
}, (e) => { console.error(String(e)); process.exit(1); });
`;

async function nodeLoad(base: string, paths: string[], o: LoadOptions): Promise<LoadResult> {
  const input = JSON.stringify({ base, paths, clients: o.clients, seconds: o.seconds });
  const { out } = await runMeasured(process.execPath, ["-e", NODE_CLIENT], input);
  const m = /@@node (.*)/.exec(out);
  if (!m) throw new Error(`load client printed no summary: ${out.slice(0, 500)}`);
  const r = JSON.parse(m[1]!) as { requests: number; ms: number; p50: number; p99: number; cpuMs: number };
  return {
    tool: "node:http",
    requests: r.requests,
    seconds: r.ms / 1000,
    p50: r.p50,
    p99: r.p99,
    clientCpuMsPerRequest: r.cpuMs / r.requests,
  };
}
