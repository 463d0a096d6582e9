/**
 * Conformance of a store's batched replacement (CatalogStore.beginReplaceItems, used by the streamed catalog):
 * the same cases for every backend. A second store on the same database reads while the replacement is open:
 * it sees the old items until commit, then exactly the new ones (with their H3 rows, none orphaned); abort or a
 * failed batch leaves the old items; an id put twice holds the last one.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "../../catalog-api/backend/sql.js";
import type { CatalogStore } from "../../catalog-api/backend/store.js";
import type { StacItem } from "../../catalog-api/stac/types.js";
import { generatedCollection, generateItems } from "./generate-items.js";

export interface StorePair {
  writer: CatalogStore;
  reader: CatalogStore;
  close(): Promise<void>;
}

const C = "gen";

async function ids(store: CatalogStore): Promise<string[]> {
  const rows = await store.query(sql("SELECT id FROM items WHERE collection = ? ORDER BY id", C));
  return rows.map((r) => String(r.id));
}

async function h3Rows(store: CatalogStore): Promise<{ mine: number; orphans: number }> {
  const [mine] = await store.query(
    sql("SELECT count(*) AS n FROM item_h3 h JOIN items i ON i.pk = h.pk WHERE i.collection = ?", C),
  );
  const [orphans] = await store.query(
    sql("SELECT count(*) AS n FROM item_h3 WHERE pk NOT IN (SELECT pk FROM items)"),
  );
  return { mine: Number(mine?.n), orphans: Number(orphans?.n) };
}

function cellsOf(items: StacItem[]): number {
  return items.reduce((n, i) => n + (i.properties["h3:cells"] as string[]).length, 0);
}

export function replaceBatchesSuite(name: string, open: () => Promise<StorePair>): void {
  describe(`batched replacement of a collection's items (${name})`, () => {
    let pair: StorePair;
    const all = generateItems(60, C, 7);
    const old = all.slice(0, 20);
    const fresh = all.slice(20);
    const oldIds = old.map((i) => i.id).sort();
    const freshIds = fresh.map((i) => i.id).sort();

    beforeAll(async () => {
      pair = await open();
    });
    afterAll(async () => {
      await pair?.close();
    });

    async function reset(): Promise<void> {
      await pair.writer.putCollection(generatedCollection(C));
      await pair.writer.replaceItems(C, old);
    }

    it("readers see the old items until commit, then exactly the new ones", async () => {
      await reset();
      const r = await (pair.writer.beginReplaceItems?.(C) ?? Promise.reject(new Error("not implemented")));
      await r.put(fresh.slice(0, 15));
      await r.put(fresh.slice(15));
      expect(await ids(pair.reader)).toEqual(oldIds);
      expect(await pair.reader.countItems(C)).toBe(20);
      expect(await pair.reader.getItem(C, old[0]?.id as string)).toBeDefined();
      await r.commit();
      expect(await ids(pair.reader)).toEqual(freshIds);
      expect(await pair.reader.getItem(C, old[0]?.id as string)).toBeUndefined();
      expect(await pair.reader.getItem(C, fresh[3]?.id as string)).toMatchObject(fresh[3] as StacItem);
      expect(await h3Rows(pair.reader)).toEqual({ mine: cellsOf(fresh), orphans: 0 });
    });

    it("abort leaves the old items", async () => {
      await reset();
      const r = await (pair.writer.beginReplaceItems?.(C) ?? Promise.reject(new Error("not implemented")));
      await r.put(fresh);
      await r.abort();
      expect(await ids(pair.reader)).toEqual(oldIds);
      expect(await h3Rows(pair.reader)).toEqual({ mine: cellsOf(old), orphans: 0 });
      // the writer's connection is usable again
      await pair.writer.putItems(C, fresh.slice(0, 1));
      expect(await pair.reader.countItems(C)).toBe(21);
    });

    it("an id put in two batches holds the last one", async () => {
      await reset();
      const first = fresh[0] as StacItem;
      const second = { ...first, properties: { ...first.properties, quality: 0.123 } };
      const r = await (pair.writer.beginReplaceItems?.(C) ?? Promise.reject(new Error("not implemented")));
      await r.put([first]);
      await r.put([second]);
      await r.commit();
      expect(await ids(pair.reader)).toEqual([first.id]);
      expect((await pair.reader.getItem(C, first.id))?.properties.quality).toBe(0.123);
      expect(await h3Rows(pair.reader)).toEqual({ mine: cellsOf([first]), orphans: 0 });
    });

    it("an empty replacement empties the collection", async () => {
      await reset();
      const r = await (pair.writer.beginReplaceItems?.(C) ?? Promise.reject(new Error("not implemented")));
      await r.commit();
      expect(await pair.reader.countItems(C)).toBe(0);
      expect(await h3Rows(pair.reader)).toEqual({ mine: 0, orphans: 0 });
    });
  });
}
