import { SqliteStore } from "../../catalog-api/backend/sqlite-store.js";
import { catalogApiSuite } from "./api-suite.js";

catalogApiSuite(
  "SQLite",
  async () => new SqliteStore(":memory:"),
  async (s) => s.close(),
);
