/**
 * Aggregation over the catalog benchmark's items (REFS_BENCH_AGG_ITEMS, default 100,000; the goal is stated for
 * 10^6): /aggregate by H3 cell (resolution 5) and by day, over every item and over one month, on SQLite and (with
 * REFS_TEST_PG_URL) PostgreSQL, through the app in process; also by month, by ranges of a property and statistics.
 * Goal: under 500 ms at 10^6 items. REFS_BENCH_AGG_BACKENDS (default "sqlite,postgres"); REFS_BENCH_AGG_PG_SCHEMA
 * names a schema on REFS_TEST_PG_URL that already holds the bench items (kept; e.g. filled by an earlier run).
 * Whole-catalog aggregations are answered from the summaries; the last column says whether the same request with
 * an open datetime (run over the items) answers the same.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../../catalog-api/api/app.js";
import { PostgresStore } from "../../catalog-api/backend/postgres-store.js";
import { SqliteStore } from "../../catalog-api/backend/sqlite-store.js";
import type { CatalogStore } from "../../catalog-api/backend/store.js";
import { benchCollection, benchItems, rng } from "./catalog-data.js";
import type { BenchTable } from "./table.js";

const N = Number(process.env.REFS_BENCH_AGG_ITEMS ?? 100_000);
const REPEAT = 5;
const QUERIES: [string, string][] = [
  ["H3 res 5, all items", "aggregations=grid_geohex_frequency&grid_geohex_frequency_precision=5"],
  ["by day, all items", "aggregations=datetime_frequency&datetime_frequency_interval=day"],
  [
    "H3 res 5, one month",
    "aggregations=grid_geohex_frequency&grid_geohex_frequency_precision=5&datetime=2018-03-01T00:00:00Z/2018-04-01T00:00:00Z",
  ],
  ["by day, one month", "aggregations=datetime_frequency&datetime=2018-03-01T00:00:00Z/2018-04-01T00:00:00Z"],
  ["by month, all items", "aggregations=datetime_frequency&datetime_frequency_interval=month"],
  [
    "quality in 4 ranges, all items",
    "aggregations=property_range_frequency&range_property=quality&ranges=:0.25,0.25:0.5,0.5:0.75,0.75:",
  ],
  ["statistics of quality, all items", "aggregations=statistics&statistics_properties=quality"],
];
const BACKENDS = (process.env.REFS_BENCH_AGG_BACKENDS ?? "sqlite,postgres").split(",");

/** Ingest the items in batches of 10,000; the ingest rate (items/s, summaries included) as a table row. */
async function fill(name: string, store: CatalogStore): Promise<(string | number)[]> {
  await store.putCollection(benchCollection());
  const rnd = rng(1);
  const t0 = performance.now();
  for (let at = 0; at < N; at += 10_000)
    await store.putItems("bench", benchItems(at, Math.min(10_000, N - at), rnd));
  const s = (performance.now() - t0) / 1000;
  return [name, "ingest (items/s in the median column)", "", Math.round(N / s), "", ""];
}

async function rows(name: string, store: CatalogStore): Promise<(string | number)[][]> {
  const app = createApp({ store });
  const out: (string | number)[][] = [];
  for (const [what, q] of QUERIES) {
    const url = `http://bench/aggregate?${q}`;
    const first = (await (await app.request(url)).json()) as { aggregations: { buckets?: unknown[] }[] };
    const times: number[] = [];
    for (let k = 0; k < REPEAT; k++) {
      const t0 = performance.now();
      await (await app.request(url)).arrayBuffer();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    // the same request with an open datetime runs over the items (no summaries): the answers must agree
    const overItems = q.includes("datetime=")
      ? "-"
      : same(first, await (await app.request(`${url}&datetime=1900-01-01T00:00:00Z/..`)).json())
        ? "yes"
        : "NO";
    out.push([
      name,
      what,
      first.aggregations[0]!.buckets?.length ?? 1,
      times[Math.floor(REPEAT / 2)]!,
      times.at(-1)!,
      overItems,
    ]);
  }
  return out;
}

/** Equal answers; sums and means (floating point, summed in another order) to 1e-12 relative. */
function same(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number")
    return a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return a === b;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export default async function aggregateBench(): Promise<BenchTable> {
  const dir = await mkdtemp(join(tmpdir(), "refs-agg-bench-"));
  const table: (string | number)[][] = [];
  try {
    if (BACKENDS.includes("sqlite")) {
      const sqlite = new SqliteStore(join(dir, "agg.sqlite"));
      table.push(await fill("SQLite", sqlite));
      table.push(...(await rows("SQLite", sqlite)));
      await sqlite.close();
    }
    const url = process.env.REFS_TEST_PG_URL;
    if (url && BACKENDS.includes("postgres")) {
      const kept = process.env.REFS_BENCH_AGG_PG_SCHEMA;
      const pg = await PostgresStore.open(url, { schema: kept ?? `refs_agg_bench_${process.pid}` });
      try {
        if (!kept || (await pg.countItems("bench")) === 0) table.push(await fill("PostgreSQL", pg));
        table.push(...(await rows("PostgreSQL", pg)));
      } finally {
        if (!kept) await pg.dropSchema();
        await pg.close();
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return {
    title: `Aggregation (${N.toLocaleString("en-US")} items, in process)`,
    baseline: "goal: under 500 ms at 10^6 items",
    columns: ["backend", "aggregation", "buckets", "median ms", "max ms", "= SQL over items"],
    rows: table,
  };
}
