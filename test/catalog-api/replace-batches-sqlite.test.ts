import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "../../catalog-api/backend/sqlite-store.js";
import { replaceBatchesSuite } from "./replace-batches.js";

replaceBatchesSuite("SQLite", async () => {
  const dir = await mkdtemp(join(tmpdir(), "refs-replace-"));
  const writer = new SqliteStore(join(dir, "catalog.sqlite"));
  const reader = new SqliteStore(join(dir, "catalog.sqlite"));
  return {
    writer,
    reader,
    close: async () => {
      await reader.close();
      await writer.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
