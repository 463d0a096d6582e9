/**
 * Catalog benchmark: ingest N generated items (REFS_BENCH_CATALOG_ITEMS, default 1,000,000) into each backend,
 * then measure search latency for datetime + H3 + CQL2 queries under 32 concurrent clients on loopback.
 * PostgreSQL runs only when REFS_TEST_PG_URL is set. Goals: ingest >= 5,000 items/s, p99 < 50 ms.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { cellToBoundary, cellToParent, latLngToCell } from "h3-js";
import { createApp } from "../../catalog-api/api/app.js";
import { startServer } from "../../catalog-api/api/server.js";
import { PostgresStore } from "../../catalog-api/backend/postgres-store.js";
import { SqliteStore } from "../../catalog-api/backend/sqlite-store.js";
import type { CatalogStore } from "../../catalog-api/backend/store.js";
import type { StacItem } from "../../catalog-api/stac/types.js";
import { loadTest, percentile } from "./catalog-load.js";
import type { BenchTable } from "./table.js";

const N = Number(process.env.REFS_BENCH_CATALOG_ITEMS ?? 1_000_000);
const REQUESTS = Number(process.env.REFS_BENCH_CATALOG_REQUESTS ?? 3000);
const CLIENTS = 32;
const BATCH = 10_000;
const GOAL_INGEST = 5000;
const GOAL_P99_MS = 50;
const DAY = 86_400_000;
const T0 = Date.UTC(2015, 0, 1);
const PLATFORMS = ["sat-a", "sat-b", "sat-c", "model"];

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A batch of items: one H3 cell (res 5-7) over Europe each, an instant or a day-long span over 10 years. */
function batch(start: number, count: number, rnd: () => number): StacItem[] {
  const out: StacItem[] = [];
  for (let i = start; i < start + count; i++) {
    const cell = latLngToCell(35 + rnd() * 25, -10 + rnd() * 40, 5 + Math.floor(rnd() * 3));
    const ring = cellToBoundary(cell, true);
    const t = T0 + Math.floor(rnd() * 3650 * 24) * 3_600_000;
    const span = rnd() < 0.5;
    out.push({
      type: "Feature",
      stac_version: "1.0.0",
      id: `item-${i}`,
      collection: "bench",
      geometry: { type: "Polygon", coordinates: [[...ring, ring[0]!]] },
      properties: {
        ...(span
          ? {
              datetime: null,
              start_datetime: new Date(t).toISOString(),
              end_datetime: new Date(t + DAY).toISOString(),
            }
          : { datetime: new Date(t).toISOString() }),
        "h3:resolution": 7,
        "h3:cells": [cell],
        quality: Math.round(rnd() * 1000) / 1000,
        platform: PLATFORMS[Math.floor(rnd() * PLATFORMS.length)]!,
      },
      links: [],
      assets: { data: { href: `s3://bench/part-${i}.parquet`, roles: ["data"] } },
    });
  }
  return out;
}

/** Queries: a month of time, one res-3 or res-4 cell, and a CQL2 filter on two properties. */
function queries(count: number): string[] {
  const rnd = rng(7);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const cell = cellToParent(latLngToCell(35 + rnd() * 25, -10 + rnd() * 40, 5), 3 + Math.floor(rnd() * 2));
    const start = T0 + Math.floor(rnd() * 3500) * DAY;
    const dt = `${new Date(start).toISOString()}/${new Date(start + 30 * DAY).toISOString()}`;
    const filter = `quality > ${(rnd() * 0.5).toFixed(2)} AND platform IN ('sat-a', 'sat-b')`;
    out.push(
      `/search?limit=10&datetime=${encodeURIComponent(dt)}&h3=${cell}&filter=${encodeURIComponent(filter)}`,
    );
  }
  return out;
}

async function measure(name: string, store: CatalogStore): Promise<(string | number)[][]> {
  await store.putCollection({
    type: "Collection",
    stac_version: "1.0.0",
    id: "bench",
    description: "benchmark items",
    license: "CC0-1.0",
    extent: {
      spatial: { bbox: [[-10, 35, 30, 60]] },
      temporal: { interval: [["2015-01-01T00:00:00Z", null]] },
    },
    summaries: { quality: { minimum: 0, maximum: 1 }, platform: PLATFORMS },
    links: [],
  });
  const rnd = rng(1);
  let ingestMs = 0;
  for (let at = 0; at < N; at += BATCH) {
    const items = batch(at, Math.min(BATCH, N - at), rnd);
    const t0 = performance.now();
    await store.putItems("bench", items);
    ingestMs += performance.now() - t0;
  }
  const ingestRate = N / (ingestMs / 1000);
  const server = await startServer(createApp({ store }), { port: 0, host: "127.0.0.1" });
  try {
    const paths = queries(500);
    await loadTest(server.url, paths.slice(0, 50), CLIENTS, 200); // warm-up
    const rows: (string | number)[][] = [];
    // one client shows the service time of a search; 32 clients add the queueing the goal is about
    for (const clients of [1, CLIENTS]) {
      const requests = clients === 1 ? Math.min(REQUESTS, 500) : REQUESTS;
      const t0 = performance.now();
      const lat = await loadTest(server.url, paths, clients, requests);
      const seconds = (performance.now() - t0) / 1000;
      const p99 = percentile(lat, 99);
      const ingest = [name, N, Math.round(ingestRate), ingestRate / GOAL_INGEST];
      rows.push([...ingest, clients, requests / seconds, percentile(lat, 50), p99, GOAL_P99_MS / p99]);
    }
    return rows;
  } finally {
    await server.close();
  }
}

export default async function catalogBench(): Promise<BenchTable> {
  const rows: (string | number)[][] = [];
  const dir = await mkdtemp(join(tmpdir(), "refs-catalog-bench-"));
  const sqlite = new SqliteStore(join(dir, "bench.sqlite"));
  try {
    rows.push(...(await measure("SQLite (file, WAL)", sqlite)));
  } finally {
    await sqlite.close();
    await rm(dir, { recursive: true, force: true });
  }
  const url = process.env.REFS_TEST_PG_URL;
  const notes = [
    `1 and ${CLIENTS} concurrent keep-alive clients in a worker thread, ${REQUESTS} GET /search?datetime=<30 days>&h3=<res 3-4 cell>&filter=<CQL2 on 2 properties>&limit=10`,
    `machine load while measuring (1-min load average / cores): ${loadavg()[0]!.toFixed(1)} / ${cpus().length}`,
    "ratio columns: measured / goal for ingest (goal 5,000 items/s), goal / measured for p99 (goal 50 ms); > 1 meets the goal",
  ];
  if (url) {
    const pg = await PostgresStore.open(url, { schema: `refs_bench_${process.pid}` });
    try {
      rows.push(...(await measure("PostgreSQL + PostGIS", pg)));
    } finally {
      await pg.dropSchema();
      await pg.close();
    }
  } else notes.push("PostgreSQL skipped: REFS_TEST_PG_URL is not set (`. .ci/postgres.sh`)");
  return {
    title: "STAC catalog: ingest and search under load",
    baseline: "goals (ingest 5,000 items/s; search p99 50 ms at 1e6 items)",
    columns: [
      "backend",
      "items",
      "ingest items/s",
      "ingest ratio",
      "clients",
      "searches/s",
      "p50 ms",
      "p99 ms",
      "p99 ratio",
    ],
    rows,
    notes,
  };
}
