import { concat, sql } from "../backend/sql.js";
import type { CatalogStore } from "../backend/store.js";
import { cellToHex } from "../h3/cell-ranges.js";
import { searchCondition } from "../search/build-query.js";
import type { SearchRequest } from "../search/request.js";
import { queryablesFor } from "../search/run-search.js";
import { type CellsLayout, itemLayout, mergeLayouts, type PartitionFile } from "./layout.js";
import type { CellsRequest } from "./request.js";

export interface Partitions {
  layout: CellsLayout | undefined;
  files: PartitionFile[];
}

type Parsed = { layout: CellsLayout; file: PartitionFile } | null;

/**
 * What each stored item says about its file, by the item's row key: a replaced item gets a new key (items are
 * deleted and inserted, keys never reused), so an entry never goes stale. A month of hourly partitions is
 * thousands of items of tens of kB each (their h3:cells); reading and parsing them on every query cost seconds.
 */
const parsedItems = new WeakMap<CatalogStore, Map<string, Parsed>>();
const MAX_CACHED = 500_000;
const FETCH_BATCH = 500;

/**
 * The collection's Parquet files a cells query needs: the item search's own condition (bbox, datetime, h3 on the
 * items' indexed columns) picks the items whose geometry, time span or coverage can hold a matching row; each
 * partition item names its file in its `data` asset.
 */
export async function findPartitions(
  store: CatalogStore,
  collection: string,
  req: CellsRequest,
): Promise<Partitions> {
  const search: SearchRequest = { collections: [collection], limit: 1 };
  if (req.bbox) search.bbox = req.bbox;
  if (req.datetime) search.datetime = req.datetime;
  if (req.h3) search.h3 = req.h3.map(cellToHex);
  const where = searchCondition(search, await queryablesFor(store, [collection]), store.dialect);
  const rows = await store.query(
    concat("SELECT items.pk AS pk FROM items WHERE ", where, " ORDER BY items.pk"),
  );
  const parsed = await parsedByKey(
    store,
    rows.map((r) => String(r.pk)),
  );
  const layouts: CellsLayout[] = [];
  const files: PartitionFile[] = [];
  for (const p of parsed) {
    if (!p) continue;
    layouts.push(p.layout);
    files.push(p.file);
  }
  return { layout: mergeLayouts(layouts, collection), files };
}

async function parsedByKey(store: CatalogStore, keys: string[]): Promise<Parsed[]> {
  let cache = parsedItems.get(store);
  if (!cache || cache.size > MAX_CACHED) {
    cache = new Map();
    parsedItems.set(store, cache);
  }
  const missing = keys.filter((k) => !cache.has(k));
  for (let at = 0; at < missing.length; at += FETCH_BATCH) {
    const batch = missing.slice(at, at + FETCH_BATCH);
    const found = await store.query(
      concat(
        `SELECT items.pk AS pk, ${store.dialect.itemText} AS item FROM items WHERE items.pk IN (`,
        sql(batch.map(() => "CAST(? AS BIGINT)").join(", "), ...batch.map(Number)),
        ")",
      ),
    );
    for (const row of found) cache.set(String(row.pk), itemLayout(JSON.parse(String(row.item))) ?? null);
  }
  return keys.map((k) => cache.get(k) ?? null);
}
