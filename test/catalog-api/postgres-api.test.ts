import type pg from "pg";
import { describe, it } from "vitest";
import { numberPlaceholders } from "../../catalog-api/backend/postgres-dialect.js";
import { PostgresStore } from "../../catalog-api/backend/postgres-store.js";
import { catalogApiSuite } from "./api-suite.js";

const url = process.env.REFS_TEST_PG_URL;

if (url) {
  catalogApiSuite(
    "PostgreSQL",
    async () => PostgresStore.open(url, { schema: `refs_api_test_${process.pid}` }),
    async (s) => {
      await (s as PostgresStore).dropSchema();
      await s.close();
    },
    async (s, text, params) => {
      await (s as unknown as { pool: pg.Pool }).pool.query(numberPlaceholders(text), params);
    },
  );
} else {
  describe("STAC API on PostgreSQL", () => {
    it.skip("skipped: REFS_TEST_PG_URL is not set (run `. .ci/postgres.sh` to start a server and set it)", () => {});
  });
}
