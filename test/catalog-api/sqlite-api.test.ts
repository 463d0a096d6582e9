import type Database from "better-sqlite3";
import { SqliteStore } from "../../catalog-api/backend/sqlite-store.js";
import { catalogApiSuite } from "./api-suite.js";

catalogApiSuite(
  "SQLite",
  async () => new SqliteStore(":memory:"),
  async (s) => s.close(),
  async (s, text, params) => {
    (s as unknown as { db: Database.Database }).db.prepare(text).run(...params);
  },
);
