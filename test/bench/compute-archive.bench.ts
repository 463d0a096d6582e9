/**
 * Archive-scale compute and catalog: (a) a global 0.25 degree hourly ERA5-like series (two days; one global int16
 * chunk per hour, generated on demand) to H3 resolution 5 with the default layout (one file per h0 cell x time
 * window): values/s and rows/s next to the raw Parquet writer re-encoding the same rows file by file, files
 * written, median rows per file, peak RSS, wall and CPU time, and a DuckDB query (mean by h0 over one day) on the
 * output; (b) the catalog phase over thousands of output files (a global 2 degree hourly series at resolution 3,
 * one file per h0 cell and hour): files/s and RSS; (c) a global EPSG:4326 uint16 COG (generated, 512 x 512 tiles,
 * nodata 65535) to H3 resolution 8 with one unit per h0 cell, each selected unit in its own process as one
 * Kubernetes pod would run it: rows, files, rows per file, time and peak RSS per unit. Each case runs in its own
 * process, so its RSS is its own. `REFS_BENCH_HOURS` sets the hours of (a) (default 48);
 * `REFS_BENCH_COG=<width>x<height>` the COG's size (default 40000x20000, 1.6 GB) and `REFS_BENCH_COG_UNITS` the
 * h0 units run (comma-separated ids, default 806bfffffffffff: 122 units at ~6 M rows each are hours on 2 cores).
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeGlobalCog } from "./compute/cog-file.js";
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
    const [width, height] = (process.env.REFS_BENCH_COG ?? "40000x20000").split("x").map(Number) as [
      number,
      number,
    ];
    const cogUnits = (process.env.REFS_BENCH_COG_UNITS ?? "806bfffffffffff").split(",");
    const tif = join(work, "global.tif");
    const g0 = performance.now();
    const cogBytes = await writeGlobalCog(tif, width, height);
    const generateSeconds = (performance.now() - g0) / 1000;
    const perUnit = cogUnits.map((u) => runCase("cog-unit-case.ts", [tif, join(work, "cog"), u, "8"]));
    const loadC = loadavg()[0] as number;
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
        columns: [
          "files",
          "items",
          "catalog s",
          "files/s",
          "files per CPU s",
          "RSS before MiB",
          "peak RSS MiB",
          "heap before MiB",
          "peak heap MiB",
          "compute s",
        ],
        rows: [
          [
            n("files", b),
            n("items", b),
            n("seconds", b),
            n("filesPerSecond", b),
            n("filesPerCpuSecond", b),
            n("rssBeforeMiB", b),
            n("peakRssMiB", b),
            n("heapBeforeMiB", b),
            n("peakHeapMiB", b),
            n("computeSeconds", b),
          ],
        ],
        notes: [
          "items are built from the completion records (coverage, statistics, time per file): the Parquet files are not read",
          "the catalog phase goes through the records 256 at a time: each batch is described, validated (one compiled validator for all batches), staged in the static catalog and ingested into one open SQLite transaction; heap is V8 heap + external + array buffers (what grows with the items held); RSS also holds SQLite's page cache, bounded by the store's cache_size (256 MiB)",
          "the catalog phase validates every item (local schemas when REFS_STAC_SCHEMAS is set), writes the static catalog and ingests into SQLite",
          `load average (1 min) after ${loadB.toFixed(1)} on ${cpus().length} cores shared with other jobs`,
        ],
      },
      {
        title: `global EPSG:4326 uint16 COG ${width} x ${height} (${(cogBytes / 2 ** 30).toFixed(2)} GiB, generated in ${generateSeconds.toFixed(0)} s) to H3 resolution 8, one unit per h0 cell (${perUnit[0]?.method})`,
        baseline:
          "goal: peak RSS per unit under 2 GiB (Conservation International gives each h0 task 34 GiB)",
        columns: [
          "unit",
          "rows",
          "files",
          "rows per file",
          "scan s",
          "compute s",
          "CPU s",
          "rows/CPU s",
          "peak RSS MiB",
        ],
        rows: perUnit.map((r) => [
          String(r.unit),
          Number(r.rows),
          Number(r.files),
          String(r.rowsPerFile),
          Number(r.scanSeconds),
          Number(r.seconds),
          Number(r.cpuSeconds),
          Number(r.rows) / Number(r.cpuSeconds),
          Number(r.maxRssMiB),
        ]),
        notes: [
          "each unit runs in its own process (a Kubernetes pod of the Indexed Job): scan of the TIFF, then `refs compute --unit <h0>`; the column is named carbon (compute.columns)",
          "the whole globe is 122 such units; run more with REFS_BENCH_COG_UNITS=id,id,... (refs units lists them)",
          `load average (1 min) after ${loadC.toFixed(1)} on ${cpus().length} cores shared with other jobs`,
        ],
      },
    ];
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
