import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Database from "better-sqlite3";
import type pg from "pg";
import { describe, expect, it } from "vitest";
import { createApp } from "../../catalog-api/api/app.js";
import { PostgresStore } from "../../catalog-api/backend/postgres-store.js";
import { SqliteStore } from "../../catalog-api/backend/sqlite-store.js";
import type { CatalogStore } from "../../catalog-api/backend/store.js";
import { generatedCollection, generateItems } from "./generate-items.js";

const SUMMARY_TABLES = "refs_meta, h3_res, agg_h3, agg_day, item_numbers";
const ASK =
  "aggregations=total_count,datetime_frequency,grid_geohex_frequency,property_range_frequency,statistics&grid_geohex_frequency_precision=4&range_property=quality&ranges=:0.5,0.5:&statistics_properties=quality";

/**
 * A catalog written before the aggregation summaries existed (their tables dropped by hand) gets them built when it
 * is opened: whole-catalog aggregations then equal the SQL over the items (the same request with an open datetime).
 */
async function reopenedOldCatalog(
  open: () => Promise<CatalogStore>,
  dropSummaries: (s: CatalogStore) => Promise<void>,
): Promise<void> {
  const first = await open();
  await first.putCollection(generatedCollection("old"));
  await first.putItems("old", generateItems(300, "old", 3));
  await dropSummaries(first);
  await first.close();
  const store = await open();
  try {
    const app = createApp({ store });
    const ask = async (q: string) => {
      const r = await app.request(`http://t/aggregate?${q}`);
      expect(r.status).toBe(200);
      return ((await r.json()) as { aggregations: unknown[] }).aggregations;
    };
    const summarised = await ask(ASK);
    expect(summarised).toEqual(await ask(`${ASK}&datetime=1900-01-01T00:00:00Z/..`));
    expect((summarised[0] as { value: number }).value).toBe(300);
  } finally {
    await store.close();
  }
}

describe("aggregation summaries of a catalog written before them", () => {
  it("SQLite builds them when the file is opened", async () => {
    const dir = await mkdtemp(join(tmpdir(), "refs-summaries-"));
    try {
      await reopenedOldCatalog(
        async () => new SqliteStore(join(dir, "old.sqlite")),
        async (s) => {
          const db = (s as unknown as { db: Database.Database }).db;
          for (const t of SUMMARY_TABLES.split(", ")) db.exec(`DROP TABLE ${t}`);
        },
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  const url = process.env.REFS_TEST_PG_URL;
  it.skipIf(!url)("PostgreSQL builds them when the schema is opened (needs REFS_TEST_PG_URL)", async () => {
    const schema = `refs_summaries_old_${process.pid}`;
    try {
      await reopenedOldCatalog(
        () => PostgresStore.open(url!, { schema }),
        async (s) => {
          await (s as unknown as { pool: pg.Pool }).pool.query(`DROP TABLE ${SUMMARY_TABLES}`);
        },
      );
    } finally {
      const cleanup = await PostgresStore.open(url!, { schema });
      await cleanup.dropSchema();
      await cleanup.close();
    }
  });
});
