/**
 * Cells benchmark: /collections/{id}/cells answered in process (app.request: parameter parsing, the item search
 * that prunes files, DuckDB, CSV output) next to the same query written by hand for DuckDB alone over the
 * project's files (read_parquet over the hive folders, the day's partition named, the bbox as a precomputed cell
 * list: what a user would run). Data: the demo's ERA5-like hourly precipitation (0.25 degree, 30 x 30 degrees,
 * H3 resolution 5) for REFS_CELLS_BENCH_DAYS days (default 30), made by the project's own phases; with
 * REFS_CELLS_BENCH_DIR the project is kept there and reused by later runs. Then the same on the archive
 * benchmark's month (archiveMonth below).
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance, LIST, listValue, UBIGINT } from "@duckdb/node-api";
import { createApp } from "../../catalog-api/api/app.js";
import { SqliteStore } from "../../catalog-api/backend/sqlite-store.js";
import { bboxCells } from "../../catalog-api/cells/bbox-cells.js";
import { writeEra5Like } from "../../pipelines/demo/era5-like.js";
import { catalogPhase } from "../../pipelines/phases/catalog/catalog-phase.js";
import { computePhase } from "../../pipelines/phases/compute/compute-phase.js";
import { scanPhase } from "../../pipelines/phases/scan/scan-phase.js";
import { defaultConfig } from "../../pipelines/project/config.js";
import { apiDatabasePath, Workspace } from "../../pipelines/project/workspace.js";
import { writeTestStacSchemas } from "../pipelines/helpers/stac-schemas.js";
import type { BenchTable } from "./table.js";

const NAME = "era5-bench";

async function project(dir: string, days: number): Promise<{ workdir: string; h3: string }> {
  const workdir = join(dir, "work");
  const ws = new Workspace(workdir, NAME);
  if (existsSync(apiDatabasePath(workdir))) return { workdir, h3: ws.computeDir };
  await writeEra5Like({ dir: join(dir, "data"), days });
  const config = defaultConfig(NAME, [join(dir, "data", "*.nc")]);
  config.catalog.license = "CC-BY-4.0";
  await ws.saveConfig(config);
  const quiet = { quiet: true };
  await scanPhase(ws, quiet);
  await computePhase(ws, quiet);
  await catalogPhase(ws, { ...quiet, schemasDir: await writeTestStacSchemas(join(dir, "schemas")) });
  return { workdir, h3: ws.computeDir };
}

async function sizeOf(dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true }))
    if (e.isFile() && e.name.endsWith(".parquet")) {
      files++;
      bytes += (await stat(join(e.parentPath, e.name))).size;
    }
  return { files, bytes };
}

function percentile(ms: number[], p: number): number {
  const s = [...ms].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function timed(n: number, run: () => Promise<unknown>): Promise<number[]> {
  await run(); // warm-up: DuckDB opened, file metadata cached by the OS
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await run();
    out.push(performance.now() - t0);
  }
  return out;
}

interface Case {
  name: string;
  api: () => Promise<number>;
  alone: () => Promise<number>;
  runs: number;
}

/** What answered each API query (x-refs-cells-read: the data files' rows or their rollups), by query. */
const answeredFrom = new Map<() => Promise<number>, string>();

/** Each case through the API and in DuckDB alone: both must answer the same number of rows. */
async function timeCases(cases: Case[]): Promise<(string | number)[][]> {
  const rows: (string | number)[][] = [];
  for (const { name, api, alone, runs } of cases) {
    const answered = await api();
    const expected = await alone();
    if (answered !== expected)
      throw new Error(`${name}: the API answered ${answered} rows, DuckDB alone ${expected}`);
    const a = await timed(runs, api);
    const d = await timed(runs, alone);
    const p50 = percentile(a, 50);
    rows.push([
      name,
      answeredFrom.get(api) ?? "?",
      answered,
      runs,
      p50,
      percentile(a, 99),
      percentile(d, 50),
      percentile(d, 99),
      p50 / percentile(d, 50),
    ]);
  }
  return rows;
}

const COLUMNS = [
  "query",
  "API read",
  "rows answered",
  "runs",
  "API p50 ms",
  "API p99 ms",
  "DuckDB p50 ms",
  "DuckDB p99 ms",
  "API/DuckDB p50",
];

/** A cells GET through the app in process, answered as CSV: the number of rows. */
function viaApi(app: ReturnType<typeof createApp>, collection: string, q: string) {
  const run = async () => {
    const res = await app.request(`/collections/${collection}/cells?${q}&f=csv&limit=50000`);
    if (res.status !== 200) throw new Error(`${q}: ${res.status} ${await res.text()}`);
    answeredFrom.set(run, String(res.headers.get("x-refs-cells-read")));
    return (await res.text()).trimEnd().split("\r\n").length - 1;
  };
  return run;
}

export default async function cellsBench(): Promise<BenchTable[]> {
  return [await demoSeries(), await archiveMonth()];
}

async function demoSeries(): Promise<BenchTable> {
  const days = Number(process.env.REFS_CELLS_BENCH_DAYS ?? 30);
  const keep = process.env.REFS_CELLS_BENCH_DIR;
  const dir = keep ?? join(tmpdir(), `refs-cells-bench-${process.pid}`);
  await mkdir(dir, { recursive: true });
  const t0 = performance.now();
  const { workdir, h3 } = await project(dir, days);
  const made = (performance.now() - t0) / 1000;
  const size = await sizeOf(h3);
  const store = new SqliteStore(apiDatabasePath(workdir));
  const app = createApp({ store, dataRoots: [h3] });
  const db = await DuckDBInstance.create(":memory:");
  const duck = await db.connect();
  const rows = Number(
    (await duck.runAndReadAll(`SELECT count(*) FROM read_parquet('${h3}/**/*.parquet')`)).getRows()[0]![0],
  );

  // the synthetic storm crosses the grid in the first days: a day and box where it rains
  const day = "2022-01-02";
  const bbox: [number, number, number, number] = [10, 45, 20, 55];
  const cells = bboxCells(bbox, 5).map((c) => BigInt(`0x${c}`));
  const api = (q: string) => viaApi(app, NAME, q);
  const dayQuery = (tp: number) =>
    `bbox=${bbox.join(",")}&datetime=${day}T00:00:00Z/${day}T23:00:00Z&filter=tp%20%3E%20${tp}`;
  const monthQuery = "datetime=2022-01-01T00:00:00Z/2022-01-31T23:00:00Z&aggregate=mean,max";
  const dayDuck = async (tp: number) => {
    const statement = await duck.prepare(
      `SELECT h5, time, tp FROM read_parquet('${h3}/**/*.parquet', hive_partitioning = true) WHERE time >= TIMESTAMPTZ '${day}T00:00:00Z' AND time < TIMESTAMPTZ '${day}T00:00:00Z' + INTERVAL 1 DAY AND h5 IN (SELECT unnest(?)) AND tp > ${tp} ORDER BY 1, 2`,
    );
    statement.bind([listValue(cells)], [LIST(UBIGINT)]);
    return async () => (await statement.runAndReadAll()).currentRowCount;
  };
  const monthDuck = await duck.prepare(
    `SELECT h5, avg(tp), max(tp) FROM read_parquet('${h3}/**/*.parquet', hive_partitioning = true) WHERE time BETWEEN '2022-01-01T00:00:00Z' AND '2022-01-31T23:00:00Z' GROUP BY 1 ORDER BY 1`,
  );
  const n = Number(process.env.REFS_CELLS_BENCH_RUNS ?? 30);
  const cases: Case[] = [
    {
      name: "bbox 10x10 deg + one day + filter tp > 0.012",
      api: api(dayQuery(0.012)),
      alone: await dayDuck(0.012),
      runs: n,
    },
    {
      name: "bbox 10x10 deg + one day + filter tp > 0.002",
      api: api(dayQuery(0.002)),
      alone: await dayDuck(0.002),
      runs: n,
    },
    {
      name: "all cells, mean and max over the month",
      api: api(monthQuery),
      alone: async () => (await monthDuck.runAndReadAll()).currentRowCount,
      runs: Math.max(3, Math.round(n / 3)),
    },
  ];
  const table: BenchTable = {
    title: `cells queries (${days} days, ${rows.toLocaleString("en-US")} rows in ${size.files} Parquet files, ${(size.bytes / 2 ** 20).toFixed(0)} MiB)`,
    baseline: "the same query written for DuckDB alone (in process, prepared, hive partitions)",
    columns: COLUMNS,
    rows: [],
    notes: [
      `made in ${made.toFixed(0)} s by scan + compute + catalog; ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)}`,
      "API: in-process app.request (no socket), CSV answers; p99 of few runs is the slowest run",
    ],
  };
  table.rows = await timeCases(cases);
  duck.closeSync();
  await store.close();
  if (!keep) await rm(dir, { recursive: true, force: true });
  return table;
}

/**
 * The archive benchmark's output (test/bench/compute/cells-archive-case.ts): the global 0.25 degree hourly series
 * over a month (744 hours, 2022-01-24T08 to 2022-02-24T07), H3 resolution 5, one file per h0 cell and calendar
 * month, restricted to the h0 cells meeting REFS_CELLS_ARCHIVE_BBOX (default Europe, -10,35,30,70; "world" for all,
 * which takes hours here). Made once into REFS_CELLS_ARCHIVE_DIR (kept) or a temporary folder.
 */
async function archiveMonth(): Promise<BenchTable> {
  const keep = process.env.REFS_CELLS_ARCHIVE_DIR;
  const dir = keep ?? join(tmpdir(), `refs-cells-archive-${process.pid}`);
  const hours = process.env.REFS_CELLS_ARCHIVE_HOURS ?? "744";
  const box = process.env.REFS_CELLS_ARCHIVE_BBOX ?? "-10,35,30,70";
  const t0 = performance.now();
  const script = fileURLToPath(new URL("./compute/cells-archive-case.ts", import.meta.url));
  const stdout = execFileSync(
    process.execPath,
    ["--import", "tsx", script, dir, hours, ...(box === "world" ? [] : [box])],
    { encoding: "utf8", maxBuffer: 1 << 24, stdio: ["ignore", "pipe", "inherit"] },
  );
  const made = (performance.now() - t0) / 1000;
  const { database, h3, collection } = JSON.parse(stdout.trim().split("\n").pop()!) as Record<string, string>;
  const size = await sizeOf(h3!);
  const store = new SqliteStore(database!);
  const app = createApp({ store, dataRoots: [h3!] });
  const db = await DuckDBInstance.create(":memory:");
  const duck = await db.connect();
  const files = `read_parquet('${h3}/**/*.parquet', hive_partitioning = true)`;
  const rows = Number((await duck.runAndReadAll(`SELECT count(*) FROM ${files}`)).getRows()[0]![0]);
  const [first, last] = (
    await duck.runAndReadAll(`SELECT epoch_ms(min(time)), epoch_ms(max(time)) FROM ${files}`)
  )
    .getRows()[0]!
    .map((ms) => new Date(Number(ms)).toISOString().replace(".000", ""));
  const day = "2022-02-01";
  const bbox: [number, number, number, number] = [10, 45, 20, 55];
  const cells = bboxCells(bbox, 5).map((c) => BigInt(`0x${c}`));
  const dayDuck = async (tp: number) => {
    const statement = await duck.prepare(
      `SELECT h5, time, tp FROM ${files} WHERE time >= TIMESTAMPTZ '${day}T00:00:00Z' AND time < TIMESTAMPTZ '${day}T00:00:00Z' + INTERVAL 1 DAY AND h5 IN (SELECT unnest(?)) AND tp > ${tp} ORDER BY 1, 2`,
    );
    statement.bind([listValue(cells)], [LIST(UBIGINT)]);
    return async () => (await statement.runAndReadAll()).currentRowCount;
  };
  // the API answers at most 50,000 rows a page: DuckDB alone stops there too (both aggregate every cell first)
  const monthDuck = await duck.prepare(
    `SELECT h5, avg(tp), max(tp) FROM ${files} WHERE time BETWEEN '${first}' AND '${last}' GROUP BY 1 ORDER BY 1 LIMIT 50000`,
  );
  // the same aggregate written for DuckDB alone over the rollups compute wrote (whole-file rows: every file lies
  // inside the month), to show what the API adds to it
  const rollupDuck = await duck.prepare(
    `SELECT h5, sum("sum:tp") / sum("n:tp"), max("max:tp") FROM read_parquet('${h3}/**/*.parquet.rollup') WHERE "rollup:level" = 1 GROUP BY 1 ORDER BY 1 LIMIT 50000`,
  );
  const n = Number(process.env.REFS_CELLS_BENCH_RUNS ?? 30);
  const api = (q: string) => viaApi(app, collection!, q);
  const dayQuery = (tp: number) =>
    `bbox=${bbox.join(",")}&datetime=${day}T00:00:00Z/${day}T23:00:00Z&filter=tp%20%3E%20${tp}`;
  const table: BenchTable = {
    title: `cells queries on the archive benchmark's month (${hours} h from ${first}, box ${box}: ${rows.toLocaleString("en-US")} rows in ${size.files} Parquet files, ${(size.bytes / 2 ** 20).toFixed(0)} MiB)`,
    baseline: "the same query written for DuckDB alone (in process, prepared, hive partitions)",
    columns: COLUMNS,
    rows: await timeCases([
      {
        name: "bbox 10x10 deg + one day + filter tp > 14",
        api: api(dayQuery(14)),
        alone: await dayDuck(14),
        runs: n,
      },
      {
        name: "bbox 10x10 deg + one day + filter tp > 10",
        api: api(dayQuery(10)),
        alone: await dayDuck(10),
        runs: n,
      },
      {
        name: "all cells, mean and max over the month (first 50,000 cells)",
        api: api(`datetime=${first}/${last}&aggregate=mean,max`),
        alone: async () => (await monthDuck.runAndReadAll()).currentRowCount,
        runs: Math.max(3, Math.round(n / 3)),
      },
      {
        name: "the same; DuckDB alone over the rollups",
        api: api(`datetime=${first}/${last}&aggregate=mean,max`),
        alone: async () => (await rollupDuck.runAndReadAll()).currentRowCount,
        runs: Math.max(3, Math.round(n / 3)),
      },
    ]),
    notes: [
      `made (or found) in ${made.toFixed(0)} s; ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)}`,
    ],
  };
  duck.closeSync();
  await store.close();
  if (!keep) await rm(dir, { recursive: true, force: true });
  return table;
}
