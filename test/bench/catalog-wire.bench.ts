/**
 * Bytes on the wire of search answers with and without compression (Accept-Encoding: identity, gzip, br), and
 * the server CPU compression adds, over REFS_BENCH_WIRE_ITEMS generated items (default 20,000) in SQLite, through
 * the app in process (no socket: only the answer's bytes and the CPU matter here). `npm run bench -- catalog-wire`.
 */
import { createApp } from "../../catalog-api/api/app.js";
import { SqliteStore } from "../../catalog-api/backend/sqlite-store.js";
import { benchCollection, benchItems, rng } from "./catalog-data.js";
import type { BenchTable } from "./table.js";

const N = Number(process.env.REFS_BENCH_WIRE_ITEMS ?? 20_000);
const REPEAT = 30;

export default async function wireBench(): Promise<BenchTable> {
  const store = new SqliteStore(":memory:");
  await store.putCollection(benchCollection());
  const rnd = rng(1);
  for (let at = 0; at < N; at += 10_000)
    await store.putItems("bench", benchItems(at, Math.min(10_000, N - at), rnd));
  const app = createApp({ store });
  const rows: (string | number)[][] = [];
  for (const limit of [10, 100, 1000]) {
    let plain = 0;
    for (const encoding of ["identity", "gzip", "br"]) {
      const url = `http://bench/search?limit=${limit}&datetime=2016-01-01T00:00:00Z/2020-01-01T00:00:00Z`;
      await app.request(url, { headers: { "accept-encoding": encoding } });
      const c0 = process.cpuUsage();
      let bytes = 0;
      for (let k = 0; k < REPEAT; k++) {
        const r = await app.request(url, { headers: { "accept-encoding": encoding } });
        bytes = (await r.arrayBuffer()).byteLength;
      }
      const cpu = process.cpuUsage(c0);
      if (encoding === "identity") plain = bytes;
      rows.push([limit, encoding, bytes, plain / bytes, (cpu.user + cpu.system) / 1000 / REPEAT]);
    }
  }
  await store.close();
  return {
    title: `Search answers on the wire (${N.toLocaleString("en-US")} items, SQLite, in process)`,
    baseline: "identity (uncompressed) answer of the same page",
    columns: ["limit", "encoding", "bytes", "ratio (smaller)", "server CPU ms/answer"],
    rows,
    notes: [
      "brotli at quality 4, gzip at level 6 (catalog-api/api/compress.ts); compression runs on libuv's pool",
    ],
  };
}
