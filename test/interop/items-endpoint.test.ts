import { describe, expect, it } from "vitest";
import { createApp } from "../../catalog-api/api/app.js";
import { SqliteStore } from "../../catalog-api/backend/sqlite-store.js";
import { generatedCollection, generateItems } from "../catalog-api/generate-items.js";

/** What pystac-client sends to a collection's /items: `CollectionClient.get_items()` repeats `collections=<id>`. */
describe("/collections/{id}/items with the parameters clients add", () => {
  it("accepts collections=<the same id>, rejects other collections, and filters by ids", async () => {
    const store = new SqliteStore(":memory:");
    await store.putCollection(generatedCollection("gen"));
    await store.putCollection(generatedCollection("other"));
    await store.putItems("gen", generateItems(30, "gen"));
    await store.putItems("other", generateItems(5, "other", 7));
    const app = createApp({ store });
    const same = await app.request("/collections/gen/items?collections=gen&limit=100");
    expect(same.status).toBe(200);
    const page = (await same.json()) as { features: { collection: string }[] };
    expect(page.features).toHaveLength(30);
    expect(new Set(page.features.map((f) => f.collection))).toEqual(new Set(["gen"]));
    const other = await app.request("/collections/gen/items?collections=gen,other");
    expect(other.status).toBe(400);
    expect(((await other.json()) as { description: string }).description).toContain(
      'holds only collection "gen"',
    );
    const byIds = await app.request("/collections/gen/items?ids=item-000003,item-000004");
    const ids = ((await byIds.json()) as { features: { id: string }[] }).features.map((f) => f.id).sort();
    expect(ids).toEqual(["item-000003", "item-000004"]);
    await store.close();
  });
});
