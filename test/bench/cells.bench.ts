/**
 * Cells benchmark: /collections/{id}/cells answered in process (app.request: parameter parsing, the item search
 * that prunes files, DuckDB, CSV output) next to the same query written by hand for DuckDB alone over the
 * project's files (read_parquet over the hive folders, the day's partition named, the bbox as a precomputed cell
 * list: what a user would run). Data: the demo's ERA5-like hourly precipitation (0.25 degree, 30 x 30 degrees,
 * H3 resolution 5) for REFS_CELLS_BENCH_DAYS days (default 30), made by the project's own phases; with
 * REFS_CELLS_BENCH_DIR the project is kept there and reused by later runs.
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
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

export default async function cellsBench(): Promise<BenchTable> {
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
  const api = (q: string) => async () => {
    const res = await app.request(`/collections/${NAME}/cells?${q}`);
    if (res.status !== 200) throw new Error(`${q}: ${res.status} ${await res.text()}`);
    return (await res.text()).trimEnd().split("\r\n").length - 1;
  };
  const dayQuery = (tp: number) =>
    `bbox=${bbox.join(",")}&datetime=${day}T00:00:00Z/${day}T23:00:00Z&filter=tp%20%3E%20${tp}&f=csv&limit=50000`;
  const monthQuery =
    "datetime=2022-01-01T00:00:00Z/2022-01-31T23:00:00Z&aggregate=mean,max&f=csv&limit=50000";
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
  const cases: [string, () => Promise<number>, () => Promise<number>, number][] = [
    ["bbox 10x10 deg + one day + filter tp > 0.012", api(dayQuery(0.012)), await dayDuck(0.012), n],
    ["bbox 10x10 deg + one day + filter tp > 0.002", api(dayQuery(0.002)), await dayDuck(0.002), n],
    [
      "all cells, mean and max over the month",
      api(monthQuery),
      async () => (await monthDuck.runAndReadAll()).currentRowCount,
      Math.max(3, Math.round(n / 3)),
    ],
  ];
  const table: BenchTable = {
    title: `cells queries (${days} days, ${rows.toLocaleString("en-US")} rows in ${size.files} Parquet files, ${(size.bytes / 2 ** 20).toFixed(0)} MiB)`,
    baseline: "the same query written for DuckDB alone (in process, prepared, hive partitions)",
    columns: [
      "query",
      "rows answered",
      "runs",
      "API p50 ms",
      "API p99 ms",
      "DuckDB p50 ms",
      "DuckDB p99 ms",
      "API/DuckDB p50",
    ],
    rows: [],
    notes: [
      `made in ${made.toFixed(0)} s by scan + compute + catalog; ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)}`,
      "API: in-process app.request (no socket), CSV answers; p99 of few runs is the slowest run",
    ],
  };
  for (const [name, viaApi, alone, runs] of cases) {
    const answered = await viaApi();
    const expected = await alone();
    if (answered !== expected)
      throw new Error(`${name}: the API answered ${answered} rows, DuckDB alone ${expected}`);
    const a = await timed(runs, viaApi);
    const d = await timed(runs, alone);
    table.rows.push([
      name,
      answered,
      runs,
      percentile(a, 50),
      percentile(a, 99),
      percentile(d, 50),
      percentile(d, 99),
      percentile(a, 50) / percentile(d, 50),
    ]);
  }
  duck.closeSync();
  await store.close();
  if (!keep) await rm(dir, { recursive: true, force: true });
  return table;
}
