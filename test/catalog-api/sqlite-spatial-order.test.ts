import type Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { createApp } from "../../catalog-api/api/app.js";
import { SqliteStore } from "../../catalog-api/backend/sqlite-store.js";
import { intersects } from "../../catalog-api/geometry/intersects.js";
import { timeMatches } from "./brute-force.js";
import { generatedCollection, generateItems } from "./generate-items.js";

/**
 * On SQLite the exact geometry test runs in JavaScript (refs_intersects); it must run only on rows the datetime
 * window (and the R*Tree) kept, and not at all for an item whose bbox lies inside a bbox search's rectangle. The
 * function is wrapped here to count its calls: that count is the CPU cost the benchmark measures.
 */
describe("SQLite: the JavaScript geometry test runs after the cheap terms", () => {
  it("bbox + datetime calls refs_intersects at most once per row in the datetime window, and answers exactly", async () => {
    const store = new SqliteStore(":memory:");
    const items = generateItems(2500);
    await store.putCollection(generatedCollection());
    await store.putItems("gen", items);
    const db = (store as unknown as { db: Database.Database }).db;
    let calls = 0;
    db.function("refs_intersects", { deterministic: true }, (stored: unknown, query: unknown) => {
      calls++;
      return intersects(JSON.parse(String(stored)), JSON.parse(String(query))) ? 1 : 0;
    });
    const app = createApp({ store });
    const box = [-5, 32, 15, 45];
    const from = Date.UTC(2020, 2, 1);
    const to = Date.UTC(2020, 2, 8);
    const inWindow = new Set(timeMatches(items, from, to));
    const iso = (t: number) => new Date(t).toISOString();
    const r = await app.request(
      `http://t/search?limit=10000&bbox=${box.join(",")}&datetime=${iso(from)}/${iso(to)}`,
    );
    const found = ((await r.json()) as { features: { id: string }[] }).features.map((f) => f.id).sort();
    const boxPolygon = {
      type: "Polygon" as const,
      coordinates: [
        [
          [box[0]!, box[1]!],
          [box[2]!, box[1]!],
          [box[2]!, box[3]!],
          [box[0]!, box[3]!],
          [box[0]!, box[1]!],
        ],
      ],
    };
    const want = items
      .filter((i) => inWindow.has(i.id) && intersects(i.geometry as never, boxPolygon))
      .map((i) => i.id)
      .sort();
    expect(want.length).toBeGreaterThan(3);
    expect(found).toEqual(want);
    // before: every R*Tree candidate of the box (hundreds) went through the JavaScript test
    expect(calls).toBeLessThanOrEqual(inWindow.size);
    await store.close();
  });
});
