import { describe, expect, it } from "vitest";
import { PostgresStore } from "../../catalog-api/backend/postgres-store.js";
import { generatedCollection, generateItems } from "./generate-items.js";
import { replaceBatchesSuite } from "./replace-batches.js";

const url = process.env.REFS_TEST_PG_URL;

if (url) {
  replaceBatchesSuite("PostgreSQL", async () => {
    const schema = `refs_replace_test_${process.pid}`;
    const writer = await PostgresStore.open(url, { schema });
    const reader = await PostgresStore.open(url, { schema });
    return {
      writer,
      reader,
      close: async () => {
        await reader.close();
        await writer.dropSchema();
        await writer.close();
      },
    };
  });

  // PostgreSQL only: a batch the server refuses (a NUL character, which its text type cannot hold; SQLite stores it)
  it("a batch the server refuses ends the replacement: the old items stay, commit fails", async () => {
    const schema = `refs_replace_fail_${process.pid}`;
    const writer = await PostgresStore.open(url, { schema });
    try {
      const [a, b, c] = generateItems(3, "gen", 9);
      await writer.putCollection(generatedCollection("gen"));
      await writer.replaceItems("gen", [a!]);
      const r = await writer.beginReplaceItems("gen");
      await r.put([b!]);
      const bad = { ...c!, properties: { ...c!.properties, platform: "nul\u0000here" } };
      await expect(r.put([bad])).rejects.toThrow();
      await expect(r.commit()).rejects.toThrow(/rolled back/);
      expect((await writer.getItem("gen", a!.id))?.id).toBe(a!.id);
      expect(await writer.countItems("gen")).toBe(1);
    } finally {
      await writer.dropSchema();
      await writer.close();
    }
  });
} else {
  describe("batched replacement on PostgreSQL", () => {
    it.skip("skipped: REFS_TEST_PG_URL is not set (run `. .ci/postgres.sh` to start a server and set it)", () => {});
  });
}
