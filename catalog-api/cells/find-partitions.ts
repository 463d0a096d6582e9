import { all, concat, type Fragment, sql } from "../backend/sql.js";
import type { CatalogStore } from "../backend/store.js";
import { cellToHex } from "../h3/cell-ranges.js";
import { h3Match } from "../search/h3-filter.js";
import { TIME_MAX, TIME_MIN } from "../search/time-bounds.js";
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
 * The collection's Parquet files a cells query needs: the items whose bbox, time span and H3 coverage can hold a
 * matching row (indexed columns of the catalog store); each partition item names its file in its `data` asset.
 */
export async function findPartitions(
  store: CatalogStore,
  collection: string,
  req: CellsRequest,
): Promise<Partitions> {
  const rows = await store.query(
    concat(
      "SELECT items.pk AS pk FROM items WHERE ",
      itemCondition(store, collection, req),
      " ORDER BY items.pk",
    ),
    { reusePlan: true },
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

/**
 * The items that can hold a matching row: the collection's, whose time span meets the datetime, whose bbox meets
 * the query's box (bounding boxes only: pruning may keep a few items too many, never one too few; an item whose
 * bbox crosses the antimeridian is kept), and whose H3 coverage meets the cells (the item search's index test).
 * Exact geometry tests cost hundreds of milliseconds over a month of items and prune no further.
 */
function itemCondition(store: CatalogStore, collection: string, req: CellsRequest): Fragment {
  const parts: Fragment[] = [sql("items.collection = ?", collection)];
  if (req.datetime)
    parts.push(
      sql(
        "items.dt_start <= CAST(? AS BIGINT) AND items.dt_end >= CAST(? AS BIGINT)",
        Math.min(req.datetime.end, TIME_MAX),
        Math.max(req.datetime.start, TIME_MIN),
      ),
    );
  if (req.bbox) {
    const [west, south, east, north] = req.bbox;
    const num = (v: number) => sql("CAST(? AS DOUBLE PRECISION)", v);
    parts.push(concat("items.maxy >= ", num(south), " AND items.miny <= ", num(north)));
    const lon = (w: number, e: number) =>
      concat("(items.maxx >= ", num(w), " AND items.minx <= ", num(e), ")");
    const spans = west <= east ? [lon(west, east)] : [lon(west, 180), lon(-180, east)];
    parts.push(all([sql("items.minx > items.maxx"), ...spans], "OR"));
  }
  if (req.h3) parts.push(h3Match(req.h3.map(cellToHex), store.dialect, "h3", req.datetime));
  return all(parts, "AND");
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
