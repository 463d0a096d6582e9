import pg from "pg";
import { describe, expect, it } from "vitest";
import { PostgresStore } from "../../catalog-api/backend/postgres-store.js";
import { generatedCollection } from "./generate-items.js";
import { withScratchDatabase } from "./scratch-database.js";

const pgUrl = process.env.REFS_TEST_PG_URL;

describe.skipIf(!pgUrl)("PostgreSQL connections", () => {
  // `refs serve --processes N` opens the store in every serving process at once; on one database their schema
  // statements (CREATE OR REPLACE FUNCTION among them) used to fail with "tuple concurrently updated".
  it("eight opens of one fresh database at once all succeed, on a new and on an existing schema", async () => {
    await withScratchDatabase(pgUrl!, `refs_open_together_${process.pid}`, async (url) => {
      for (let round = 0; round < 3; round++) {
        const opened = await Promise.allSettled(
          Array.from({ length: 8 }, () => PostgresStore.open(url, { poolSize: 1 })),
        );
        const failed = opened.flatMap((o) => (o.status === "rejected" ? [String(o.reason)] : []));
        const stores = opened.flatMap((o) => (o.status === "fulfilled" ? [o.value] : []));
        try {
          expect(failed).toEqual([]);
          await stores[0]!.putCollection(generatedCollection(`c${round}`));
          for (const s of stores) expect((await s.listCollections()).map((c) => c.id)).toContain(`c${round}`);
        } finally {
          await Promise.all(stores.map((s) => s.close()));
        }
      }
    });
  }, 60_000);
  // Without a listener, pg raised the ended connection as an uncaught exception: `refs serve` would have died
  // with a PostgreSQL restart. vitest fails the run on any uncaught exception, so this test would too.
  it("idle connections the server ends are replaced: the store goes on answering", async () => {
    const schema = `refs_idle_end_${process.pid}`;
    const store = await PostgresStore.open(pgUrl!, { schema, poolSize: 2 });
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    try {
      await store.putCollection(generatedCollection("kept"));
      for (let round = 0; round < 2; round++) {
        const ended = await admin.query(
          `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
           WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE '%collections%'`,
        );
        expect(ended.rows.length).toBeGreaterThan(0);
        // let the terminations reach the pool's idle connections
        await new Promise((r) => setTimeout(r, 200));
        expect((await store.listCollections()).map((c) => c.id)).toEqual(["kept"]);
      }
    } finally {
      await admin.end();
      await store.dropSchema();
      await store.close();
    }
  }, 60_000);
});
