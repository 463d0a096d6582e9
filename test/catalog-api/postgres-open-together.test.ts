import pg from "pg";
import { describe, expect, it } from "vitest";
import { PostgresStore } from "../../catalog-api/backend/postgres-store.js";
import { generatedCollection } from "./generate-items.js";

const pgUrl = process.env.REFS_TEST_PG_URL;

// `refs serve --processes N` opens the store in every serving process at once; on one database their schema
// statements (CREATE OR REPLACE FUNCTION among them) used to fail with "tuple concurrently updated".
describe.skipIf(!pgUrl)("PostgreSQL stores opened together", () => {
  it("eight opens of one fresh database at once all succeed, on a new and on an existing schema", async () => {
    const name = `refs_open_together_${process.pid}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(pgUrl!);
      url.pathname = `/${name}`;
      for (let round = 0; round < 3; round++) {
        const opened = await Promise.allSettled(
          Array.from({ length: 8 }, () => PostgresStore.open(url.toString(), { poolSize: 1 })),
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
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  }, 60_000);
});
