/**
 * Catalog benchmark: ingest N generated items (REFS_BENCH_CATALOG_ITEMS, default 1,000,000) into each backend,
 * then run `refs serve --processes P` as a real process and measure datetime + H3 + CQL2 searches under 1 and 32
 * concurrent keep-alive clients on loopback (wrk when installed, else a node:http client; both in their own
 * process). PostgreSQL runs only when REFS_TEST_PG_URL is set. Goals: ingest >= 5,000 items/s, p99 < 50 ms.
 *
 * Other settings: REFS_BENCH_CATALOG_SECONDS (per measurement, default 10), REFS_BENCH_CATALOG_WARMUP (default 5), REFS_BENCH_CATALOG_PROCESSES
 * (default "1,<cores>"), REFS_BENCH_CATALOG_BACKENDS (default "sqlite,postgres"), REFS_BENCH_CATALOG_TOOL (auto | wrk | node:http), REFS_BENCH_CATALOG_SQLITE (an existing
 * SQLite catalog of these items to serve without ingesting, for iterating; a path that does not exist yet is
 * ingested into and kept), REFS_BENCH_CATALOG_PG_DB (the same: a database on REFS_TEST_PG_URL's server).
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { PostgresStore } from "../../catalog-api/backend/postgres-store.js";
import { SqliteStore } from "../../catalog-api/backend/sqlite-store.js";
import type { CatalogStore } from "../../catalog-api/backend/store.js";
import { benchCollection, benchItems, benchQueries, rng } from "./catalog-data.js";
import { type LoadOptions, loadTest } from "./catalog-load.js";
import { postgresCpuMs, startServe } from "./catalog-serve.js";
import type { BenchTable } from "./table.js";

const N = Number(process.env.REFS_BENCH_CATALOG_ITEMS ?? 1_000_000);
const SECONDS = Number(process.env.REFS_BENCH_CATALOG_SECONDS ?? 10);
const TOOL = (process.env.REFS_BENCH_CATALOG_TOOL ?? "auto") as LoadOptions["tool"];
const PROCESSES = [
  ...new Set(
    (process.env.REFS_BENCH_CATALOG_PROCESSES ?? `1,${availableParallelism()}`).split(",").map(Number),
  ),
];
const BACKENDS = (process.env.REFS_BENCH_CATALOG_BACKENDS ?? "sqlite,postgres").split(",");
const CLIENTS = 32;
const WARMUP = Number(process.env.REFS_BENCH_CATALOG_WARMUP ?? 5);
const BATCH = 10_000;
const GOAL_INGEST = 5000;
const GOAL_P99_MS = 50;

/** Ingest the generated items; items per second. */
async function ingest(store: CatalogStore): Promise<number> {
  await store.putCollection(benchCollection());
  const rnd = rng(1);
  let ms = 0;
  for (let at = 0; at < N; at += BATCH) {
    const items = benchItems(at, Math.min(BATCH, N - at), rnd);
    const t0 = performance.now();
    await store.putItems("bench", items);
    ms += performance.now() - t0;
  }
  return N / (ms / 1000);
}

/** Serve with each process count and measure 1 client (service time) and 32 clients (the goal's load). */
async function measure(
  name: string,
  items: number,
  ingestRate: number | undefined,
  serveArgs: string[],
  tmpDir: string,
): Promise<(string | number)[][]> {
  const paths = benchQueries(500);
  const postgres = serveArgs.includes("--pg");
  const rows: (string | number)[][] = [];
  const ingestCells =
    ingestRate === undefined ? ["-", "-"] : [Math.round(ingestRate), ingestRate / GOAL_INGEST];
  for (const processes of PROCESSES) {
    const server = await startServe([...serveArgs, "--port", "0", "--processes", String(processes)]);
    try {
      // warm-up: the JIT, each process's statements, and the file's pages (5 s; the first seconds are far slower)
      await loadTest(server.url, paths, { clients: CLIENTS, seconds: WARMUP, tmpDir, tool: TOOL });
      for (const clients of processes === 1 ? [1, CLIENTS] : [CLIENTS]) {
        const cpu0 = server.cpuMs();
        const db0 = postgres ? postgresCpuMs() : 0;
        const r = await loadTest(server.url, paths, { clients, seconds: SECONDS, tmpDir, tool: TOOL });
        const serverCpu = (server.cpuMs() - cpu0) / r.requests;
        const dbCpu = postgres ? (postgresCpuMs() - db0) / r.requests : "-";
        rows.push([
          name,
          items,
          ...ingestCells,
          processes,
          clients,
          r.tool,
          r.requests / r.seconds,
          r.p50,
          r.p99,
          GOAL_P99_MS / r.p99,
          serverCpu,
          dbCpu,
          r.clientCpuMsPerRequest,
          loadavg()[0]!.toFixed(1),
        ]);
      }
    } finally {
      await server.stop();
    }
  }
  return rows;
}

async function sqliteRows(tmpDir: string): Promise<(string | number)[][]> {
  const given = process.env.REFS_BENCH_CATALOG_SQLITE;
  if (given && existsSync(given)) {
    const store = new SqliteStore(given);
    const items = await store.countItems("bench");
    await store.close();
    return measure("SQLite (file, WAL)", items, undefined, ["--db", given], tmpDir);
  }
  // a named file that does not exist yet is ingested into and kept, for later runs to serve
  const file = given ?? join(tmpDir, "bench.sqlite");
  const store = new SqliteStore(file);
  let rate: number;
  try {
    rate = await ingest(store);
  } finally {
    await store.close();
  }
  return measure("SQLite (file, WAL)", N, rate, ["--db", file], tmpDir);
}

/** PostgreSQL: a database of its own (refs serve uses its public schema), dropped afterwards. */
async function postgresRows(url: string, tmpDir: string): Promise<(string | number)[][]> {
  const given = process.env.REFS_BENCH_CATALOG_PG_DB;
  if (given && !/^[a-z_][a-z0-9_]*$/.test(given)) throw new Error(`bad database name ${given}`);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const exists =
    given !== undefined &&
    (await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [given])).rowCount === 1;
  if (given && exists) {
    await admin.end();
    const dbUrl = new URL(url);
    dbUrl.pathname = `/${given}`;
    const store = await PostgresStore.open(dbUrl.toString());
    const items = await store.countItems("bench");
    await store.close();
    return measure("PostgreSQL + PostGIS", items, undefined, ["--pg", dbUrl.toString()], tmpDir);
  }
  // a named database that does not exist yet is created, ingested into and kept, for later runs to serve
  const name = given ?? `refs_bench_${process.pid}`;
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    const dbUrl = new URL(url);
    dbUrl.pathname = `/${name}`;
    const store = await PostgresStore.open(dbUrl.toString());
    let rate: number;
    try {
      rate = await ingest(store);
    } finally {
      await store.close();
    }
    // what autovacuum would do shortly after a bulk load, done before measuring instead of during it (not timed)
    const db = new pg.Client({ connectionString: dbUrl.toString() });
    await db.connect();
    await db.query("VACUUM (ANALYZE) items, item_h3").finally(() => db.end());
    return await measure("PostgreSQL + PostGIS", N, rate, ["--pg", dbUrl.toString()], tmpDir);
  } finally {
    if (!given) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

export default async function catalogBench(): Promise<BenchTable> {
  const tmpDir = await mkdtemp(join(tmpdir(), "refs-catalog-bench-"));
  const rows: (string | number)[][] = [];
  const notes = [
    `${SECONDS} s per row of GET /search?datetime=<30 days>&h3=<res 3-4 cell>${process.env.REFS_BENCH_CATALOG_BBOX === "1" ? "&bbox=<4 degrees around it>" : ""}&filter=<CQL2 on 2 properties>&limit=10 (500 different queries in turn), keep-alive connections on 127.0.0.1`,
    "refs serve runs as its own process(es); the load generator (wrk, or node:http without it) in another; CPU columns are process CPU time per search (Linux /proc): refs serve's processes, PostgreSQL's server processes (SQLite runs inside refs serve), the load generator",
    `machine: ${availableParallelism()} cores shared with other work; "load" is the 1-minute load average after each row`,
    "PostgreSQL: VACUUM (ANALYZE) after the ingest, before searching (not in the ingest rate)",
    "ratio columns: measured / goal for ingest (goal 5,000 items/s), goal / measured for p99 (goal 50 ms); > 1 meets the goal",
  ];
  try {
    if (BACKENDS.includes("sqlite")) rows.push(...(await sqliteRows(tmpDir)));
    const url = process.env.REFS_TEST_PG_URL;
    if (url && BACKENDS.includes("postgres")) rows.push(...(await postgresRows(url, tmpDir)));
    else if (!url) notes.push("PostgreSQL skipped: REFS_TEST_PG_URL is not set (`. .ci/postgres.sh`)");
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
  return {
    title: "STAC catalog: ingest and search under load",
    baseline: "goals (ingest 5,000 items/s; search p99 50 ms at 1e6 items under 32 clients)",
    columns: [
      "backend",
      "items",
      "ingest items/s",
      "ingest ratio",
      "processes",
      "clients",
      "load generator",
      "searches/s",
      "p50 ms",
      "p99 ms",
      "p99 ratio",
      "server CPU ms/search",
      "PostgreSQL CPU ms/search",
      "client CPU ms/search",
      "load",
    ],
    rows,
    notes,
  };
}
