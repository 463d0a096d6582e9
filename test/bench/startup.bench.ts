/**
 * Start-up of the command line, whole process (node start, imports, the command's work, exit), from the compiled
 * dist/ as the installed package runs it: `refs --help`, `refs status <proj>` and `refs translate` of a small
 * NetCDF4 file (one day of the demo's ERA5-like series, 1.6 MB) and of a small NetCDF3 file. Goals (issue 16, on
 * a quiet machine): 150, 300 and 400 ms. Baseline: `node -e 0`, the floor no command can go under. The checkout's
 * launcher (bin/refs.js: a freshness check of dist/, then the same) is shown for `--help`. Settings: 3 warm-up runs,
 * then RUNS runs each; the median and the fastest are reported.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { writeEra5Like } from "../../pipelines/demo/era5-like.js";
import { writeNetCDF3 } from "../scanner/netcdf3/write-netcdf3.js";
import type { BenchTable } from "./table.js";

const RUNS = 15;
const root = resolve(import.meta.dirname, "..", "..");
const dist = join(root, "dist", "pipelines", "cli", "bin.js");

function timeProcess(args: string[], cwd: string): { median: number; min: number } {
  const once = () => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
    if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
    return performance.now() - t0;
  };
  for (let i = 0; i < 3; i++) once();
  const times = Array.from({ length: RUNS }, once).sort((a, b) => a - b);
  return { median: times[Math.floor(RUNS / 2)] as number, min: times[0] as number };
}

export default async function bench(): Promise<BenchTable> {
  // dist/ as the sources are now (a build only when a source changed since the last one)
  spawnSync(process.execPath, [join(root, "bin", "dist.js"), "--if-stale"], { stdio: "inherit" });
  const dir = await mkdtemp(join(tmpdir(), "refs-startup-"));
  try {
    const [nc4] = await writeEra5Like({ dir: join(dir, "era5"), days: 1 });
    const nc3 = join(dir, "small.nc");
    const { bytes } = writeNetCDF3({
      version: 1,
      dims: [
        ["time", 0],
        ["y", 20],
        ["x", 30],
      ],
      numrecs: 4,
      attrs: [{ name: "title", type: "char", values: "startup bench" }],
      vars: ["t", "u", "v"].map((name) => ({
        name,
        type: "float" as const,
        dims: ["time", "y", "x"],
        attrs: [{ name: "units", type: "char" as const, values: "K" }],
        data: Array.from({ length: 4 * 20 * 30 }, (_, i) => i),
      })),
    });
    await writeFile(nc3, bytes);
    const init = spawnSync(process.execPath, [dist, "init", "p", "--source", nc3, "--workdir", "w", "-q"], {
      cwd: dir,
    });
    if (init.status !== 0) throw new Error(`refs init: ${init.stderr}`);
    const floor = timeProcess(["-e", "0"], dir);
    const cases: [string, string[], number | undefined][] = [
      ["node -e 0 (baseline)", ["-e", "0"], undefined],
      ["refs --help", [dist, "--help"], 150],
      ["refs status p", [dist, "status", "p", "--workdir", "w"], 300],
      ["refs translate small.nc (NetCDF3)", [dist, "translate", nc3, "-o", "out3.json"], 400],
      ["refs translate era5 day (NetCDF4)", [dist, "translate", nc4 as string, "-o", "out4.json"], 400],
      ["node bin/refs.js --help (checkout launcher)", [join(root, "bin", "refs.js"), "--help"], undefined],
    ];
    const rows = cases.map(([name, args, goal]) => {
      const t = name.startsWith("node -e") ? floor : timeProcess(args, dir);
      const within = goal === undefined ? "" : t.median <= goal ? "yes" : "NO";
      return [name, t.median, t.min, t.median - floor.median, goal ?? "", within, t.median / floor.median];
    });
    return {
      title: "CLI start-up, whole process from dist/ (ms)",
      baseline: "node -e 0 (bare Node start on this machine)",
      columns: ["command", "median ms", "min ms", "over node ms", "goal ms", "median within goal", "x node"],
      rows,
      notes: [
        `${RUNS} runs after 3 warm-ups each; a loaded machine adds to every row, the baseline included`,
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
