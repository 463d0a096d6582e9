/**
 * Archive-scale compute and catalog: (a) a global 0.25 degree hourly ERA5-like series (two days; one global int16
 * chunk per hour, generated on demand) to H3 resolution 5 with the default layout (one file per h0 cell x time
 * window): values/s and rows/s next to the raw Parquet writer re-encoding the same rows file by file, files
 * written, median rows per file, peak RSS, wall and CPU time, and a DuckDB query (mean by h0 over one day) on the
 * output; (b) the catalog phase over thousands of output files (a global 2 degree hourly series at resolution 3,
 * one file per h0 cell and hour): files/s and RSS; (c) a global EPSG:4326 uint16 COG (generated, 512 x 512 tiles,
 * nodata 65535) to H3 resolution 8 with one unit per h0 cell, each selected unit in its own process as one
 * Kubernetes pod would run it: rows, files, rows per file, time and peak RSS per unit, then min/median/max over
 * the units run. Each case runs in its own process, so its RSS is its own. `REFS_BENCH_ARCHIVE_CASES` picks the
 * cases (e.g. `c`; default `a,b,c`); `REFS_BENCH_HOURS` sets the hours of (a) (default 48);
 * `REFS_BENCH_COG=<width>x<height>` the COG's size (default 40000x20000, 1.6 GB); `REFS_BENCH_COG_UNITS` the h0
 * units run: comma-separated ids, `all` (the 122) or `sample` (default; see cog-units.ts);
 * `REFS_BENCH_COG_LOG=<file>` appends each unit's figures as a JSON line when it ends, so a long run that is
 * stopped keeps what it measured.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeGlobalCog } from "./compute/cog-file.js";
import { COG_UNIT_COLUMNS, cogUnitRows, cogUnitSummaryRows, cogUnitsToRun } from "./compute/cog-units.js";
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
  const cases = (process.env.REFS_BENCH_ARCHIVE_CASES ?? "a,b,c").split(",");
  const work = await mkdtemp(join(tmpdir(), "refs-bench-archive-"));
  try {
    const tables: BenchTable[] = [];
    if (cases.includes("a")) tables.push(hourlyTable(work, hours));
    if (cases.includes("b")) tables.push(catalogTable(work));
    if (cases.includes("c")) tables.push(await cogTable(work));
    return tables;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function hourlyTable(work: string, hours: number): BenchTable {
  const load0 = loadavg()[0] as number;
  const a = runCase("archive-case.ts", [join(work, "era5"), String(hours), "5"]);
  const loadA = loadavg()[0] as number;
  const n = (k: string) => Number(a[k]);
  return {
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
      ["values/s (wall)", n("values") / n("seconds"), n("values") / n("seconds") / n("writerRowsPerSecond")],
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
      "one chunk per hour covers the globe: units run in groups (compute groupRows, default 32 M rows held), each unit gathering its own cells from the group's buffer; the first group reads each hour's chunk and spills its raw values to a local file, later groups copy their rows from it (compute/shared-blocks.ts)",
      "rows/s per CPU s: the case's own work whatever else the machine runs; wall figures depend on the load",
      process.env.REFS_BENCH_ROLLUPS === "0"
        ? "compute.rollups false (REFS_BENCH_ROLLUPS=0): the data files alone"
        : "with the default rollups beside each file (REFS_BENCH_ROLLUPS=0 leaves them out)",
      `load average (1 min) before ${load0.toFixed(1)}, after ${loadA.toFixed(1)}, on ${cpus().length} cores shared with other jobs`,
    ],
  };
}

function catalogTable(work: string): BenchTable {
  const b = runCase("catalog-files-case.ts", [join(work, "catalog"), "2", "2", "3", "hour"]);
  const loadB = loadavg()[0] as number;
  const n = (k: string) => Number(b[k]);
  return {
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
        n("files"),
        n("items"),
        n("seconds"),
        n("filesPerSecond"),
        n("filesPerCpuSecond"),
        n("rssBeforeMiB"),
        n("peakRssMiB"),
        n("heapBeforeMiB"),
        n("peakHeapMiB"),
        n("computeSeconds"),
      ],
    ],
    notes: [
      "items are built from the completion records (coverage, statistics, time per file): the Parquet files are not read",
      "the catalog phase goes through the records 256 at a time: each batch is described, validated (one compiled validator for all batches), staged in the static catalog and ingested into one open SQLite transaction; heap is V8 heap + external + array buffers (what grows with the items held); RSS also holds SQLite's page cache, bounded by the store's cache_size (256 MiB)",
      "the catalog phase validates every item (local schemas when REFS_STAC_SCHEMAS is set), writes the static catalog and ingests into SQLite",
      `load average (1 min) after ${loadB.toFixed(1)} on ${cpus().length} cores shared with other jobs`,
    ],
  };
}

async function cogTable(work: string): Promise<BenchTable> {
  const [width, height] = (process.env.REFS_BENCH_COG ?? "40000x20000").split("x").map(Number) as [
    number,
    number,
  ];
  const cogUnits = cogUnitsToRun(process.env.REFS_BENCH_COG_UNITS ?? "sample");
  const log = process.env.REFS_BENCH_COG_LOG;
  const tif = join(work, "global.tif");
  const g0 = performance.now();
  const cogBytes = await writeGlobalCog(tif, width, height);
  const generateSeconds = (performance.now() - g0) / 1000;
  const perUnit = cogUnits.map((u, i) => {
    const r = runCase("cog-unit-case.ts", [tif, join(work, "cog"), u, "8"]);
    const line = { ...r, index: i, of: cogUnits.length, load: loadavg()[0], at: new Date().toISOString() };
    if (log) appendFileSync(log, `${JSON.stringify(line)}\n`);
    return r;
  });
  const loadC = loadavg()[0] as number;
  return {
    title: `global EPSG:4326 uint16 COG ${width} x ${height} (${(cogBytes / 2 ** 30).toFixed(2)} GiB, generated in ${generateSeconds.toFixed(0)} s) to H3 resolution 8, one unit per h0 cell (${perUnit[0]?.method})`,
    baseline: "goal: peak RSS per unit under 2 GiB (Conservation International gives each h0 task 34 GiB)",
    columns: COG_UNIT_COLUMNS,
    rows: [...cogUnitRows(perUnit), ...cogUnitSummaryRows(perUnit)],
    notes: [
      "each unit runs in its own process (a Kubernetes pod of the Indexed Job): scan of the TIFF, then `refs compute --unit <h0>`; the column is named carbon (compute.columns)",
      "the whole globe is 122 such units; run more with REFS_BENCH_COG_UNITS=all or id,id,... (refs units lists them); the total row sums rows, files and seconds",
      `load average (1 min) after ${loadC.toFixed(1)} on ${cpus().length} cores shared with other jobs`,
    ],
  };
}
