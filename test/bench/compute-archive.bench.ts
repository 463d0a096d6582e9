/**
 * Archive-scale compute and catalog: (a) a global 0.25 degree hourly ERA5-like series (two days; one global int16
 * chunk per hour, generated on demand) to H3 resolution 5 with the default layout (one file per h0 cell x time
 * window): values/s and rows/s next to the raw Parquet writer re-encoding the same rows file by file, files
 * written, median rows per file, peak RSS, wall and CPU time, and a DuckDB query (mean by h0 over one day) on the
 * output; (b) the catalog phase over thousands of output files (a global 2 degree hourly series at resolution 3,
 * one file per h0 cell and hour): files/s and RSS. Each case runs in its own process, so its RSS is its own.
 * `REFS_BENCH_HOURS` sets the hours of (a) (default 48).
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchTable } from "./table.js";

const here = (name: string) => fileURLToPath(new URL(`./compute/${name}`, import.meta.url));

function runCase(script: string, args: string[]): Record<string, number | string> {
  const stdout = execFileSync(process.execPath, ["--import", "tsx", here(script), ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 24,
    env: { ...process.env },
  });
  return JSON.parse(stdout.trim().split("\n").pop() as string);
}

export default async function bench(): Promise<BenchTable[]> {
  const hours = Number(process.env.REFS_BENCH_HOURS ?? 48);
  const work = await mkdtemp(join(tmpdir(), "refs-bench-archive-"));
  try {
    const load0 = loadavg()[0] as number;
    const a = runCase("archive-case.ts", [join(work, "era5"), String(hours), "5"]);
    const loadA = loadavg()[0] as number;
    const b = runCase("catalog-files-case.ts", [join(work, "catalog"), "2", "2", "3", "hour"]);
    const loadB = loadavg()[0] as number;
    const n = (k: string, r = a) => Number(r[k]);
    return [
      {
        title: `compute at archive scale: global 0.25 deg hourly, ${hours} h, H3 resolution 5 (${a.method}), window ${a.window}`,
        baseline: "the raw Parquet writer (encodeH3Parquet) re-encoding the same rows, file by file, rows/s",
        columns: ["measure", "value", "vs writer"],
        rows: [
          ["values in (pixels x hours)", n("values"), "-"],
          ["rows out", n("rows"), "-"],
          ["files", n("files"), "-"],
          ["units", n("units"), "-"],
          ["median rows per file", n("medianRowsPerFile"), "-"],
          ["compute wall s", n("seconds"), "-"],
          ["compute CPU s (all threads)", n("cpuSeconds"), "-"],
          ["  of which until the first unit ended (plan + mapping)", n("firstUnitSeconds"), "-"],
          [
            "values/s (wall)",
            n("values") / n("seconds"),
            n("values") / n("seconds") / n("writerRowsPerSecond"),
          ],
          ["rows/s (wall)", n("rows") / n("seconds"), n("rows") / n("seconds") / n("writerRowsPerSecond")],
          [
            "rows/s (per CPU s), vs the writer per CPU s",
            n("rows") / n("cpuSeconds"),
            n("rows") / n("cpuSeconds") / n("writerRowsPerCpuSecond"),
          ],
          ["raw writer rows/s (wall)", n("writerRowsPerSecond"), 1],
          ["raw writer rows/s (per CPU s)", n("writerRowsPerCpuSecond"), 1],
          ["peak RSS MiB", n("maxRssMiB"), "-"],
          ["DuckDB mean by h0 over one day, s", n("querySeconds"), "-"],
          ["DuckDB groups (h0 cells)", n("queryGroups"), "-"],
        ],
        notes: [
          "one chunk per hour covers the globe: units run in groups (compute groupRows, default 32 M rows held) that fetch and decode each hour's chunk once per group, each unit gathering its own cells from it",
          "rows/s per CPU s: the case's own work whatever else the machine runs; wall figures depend on the load",
          `load average (1 min) before ${load0.toFixed(1)}, after ${loadA.toFixed(1)}, on ${cpus().length} cores shared with other jobs`,
        ],
      },
      {
        title:
          "catalog phase over many output files (global 2 deg hourly, 2 days, resolution 3, one file per h0 x hour)",
        baseline: "goal: 500 files/s, memory flat",
        columns: ["files", "items", "catalog s", "files/s", "RSS before MiB", "peak RSS MiB", "compute s"],
        rows: [
          [
            n("files", b),
            n("items", b),
            n("seconds", b),
            n("filesPerSecond", b),
            n("rssBeforeMiB", b),
            n("peakRssMiB", b),
            n("computeSeconds", b),
          ],
        ],
        notes: [
          "items are built from the completion records (coverage, statistics, time per file): the Parquet files are not read",
          "the catalog phase validates every item (local schemas when REFS_STAC_SCHEMAS is set), writes the static catalog and ingests into SQLite",
          `load average (1 min) after ${loadB.toFixed(1)} on ${cpus().length} cores shared with other jobs`,
        ],
      },
    ];
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
