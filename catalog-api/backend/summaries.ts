import { ancestorCells } from "../h3/cell-ranges.js";
import type { Dialect } from "./dialect.js";
import type { ItemRow } from "./item-row.js";
import { type Fragment, sql } from "./sql.js";

/**
 * Per-collection summaries kept next to the items, so whole-catalog aggregations (search/aggregate.ts) read a few
 * thousand summary rows or one narrow index instead of every item's JSON:
 * - `agg_h3`: items per H3 cell per resolution 0-15 (an item counts once in each cell of resolution r that is, or
 *   is the parent of, one of its cells of resolution >= r: exactly what grid_geohex_frequency counts);
 * - `agg_day`: items per UTC day their span starts;
 * - `item_numbers`: every numeric top-level property of every item, one row each (statistics and ranges).
 * Stores update them in the transaction that writes or deletes the items: new rows are added from the rows in hand
 * (summaryCounts, ItemRow.numbers: no re-reading of what was just written), rows going are taken out by SQL over
 * them before they go (summaryUpdates -1), so the summaries always equal what the SQL over the items gives. Counts may reach 0 and stay: readers keep
 * buckets with n > 0.
 */
export const SUMMARY_VERSION = "1";

export function summarySchema(d: Dialect): string {
  const big = d.name === "postgres" ? "BIGINT" : "INTEGER";
  // SQLite: no declared type, so integers stay integers (sum and min/max then match json_extract's values)
  const value = d.name === "postgres" ? "DOUBLE PRECISION" : "";
  return `
CREATE TABLE IF NOT EXISTS refs_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS h3_res (r INTEGER PRIMARY KEY, keep ${big} NOT NULL, setbits ${big} NOT NULL);
CREATE TABLE IF NOT EXISTS agg_h3 (
  collection TEXT NOT NULL, res INTEGER NOT NULL, cell ${big} NOT NULL, n ${big} NOT NULL,
  PRIMARY KEY (res, collection, cell));
CREATE TABLE IF NOT EXISTS agg_day (
  collection TEXT NOT NULL, day ${big} NOT NULL, n ${big} NOT NULL, PRIMARY KEY (collection, day));
CREATE TABLE IF NOT EXISTS item_numbers (pk ${big} NOT NULL, collection TEXT NOT NULL, name TEXT NOT NULL, value ${value});
CREATE INDEX IF NOT EXISTS item_numbers_name ON item_numbers (name, collection, value);
CREATE INDEX IF NOT EXISTS item_numbers_pk ON item_numbers (pk);
`;
}

const RES_SHIFT = 52n;

/** The 16 rows of h3_res: the bits that keep a cell's ancestor digits at resolution r, and the bits to set. */
export function h3ResolutionMasks(): { r: number; keep: bigint; set: bigint }[] {
  return Array.from({ length: 16 }, (_, r) => {
    const low = (1n << BigInt(3 * (15 - r))) - 1n;
    const keep = ((1n << 63n) - 1n) & ~(0xfn << RES_SHIFT) & ~low;
    return { r, keep, set: (BigInt(r) << RES_SHIFT) | low };
  });
}

/** The day an epoch-ms start falls in (floor, also before 1970). */
const DAY = "(items.dt_start - ((items.dt_start % 86400000) + 86400000) % 86400000)";

/** Each numeric top-level property of the items selected, as (pk, collection, name, value). */
function numbersOf(d: Dialect, where: string): string {
  return d.name === "postgres"
    ? `SELECT items.pk, items.collection, p.key, (p.value #>> '{}')::double precision FROM items, jsonb_each(CASE WHEN jsonb_typeof(items.content->'properties') = 'object' THEN items.content->'properties' ELSE '{}'::jsonb END) p WHERE ${where} AND jsonb_typeof(p.value) = 'number'`
    : `SELECT items.pk, items.collection, p.key, p.value FROM items, json_each(items.props) p WHERE ${where} AND p.type IN ('integer', 'real')`;
}

/**
 * Statements adding (sign 1) or removing (sign -1) the items matching `where` (a condition on `items`, with the
 * given parameters) to or from the summaries. Removal must run while the items and their item_h3 rows still exist.
 */
export function summaryUpdates(d: Dialect, sign: 1 | -1, where: Fragment): Fragment[] {
  const p = where.params;
  const h3 = `INSERT INTO agg_h3 (collection, res, cell, n)
SELECT collection, r, k, ${sign} * count(*) FROM (
  SELECT DISTINCT items.collection AS collection, m.r AS r, (h.cell & m.keep) | m.setbits AS k, h.pk AS pk
  FROM items JOIN item_h3 h ON h.pk = items.pk JOIN h3_res m ON ((h.cell >> 52) & 15) >= m.r
  WHERE ${where.text}) AS x
GROUP BY collection, r, k ORDER BY r, collection, k
ON CONFLICT (res, collection, cell) DO UPDATE SET n = agg_h3.n + excluded.n`;
  const day = `INSERT INTO agg_day (collection, day, n)
SELECT items.collection, ${DAY} AS d, ${sign} * count(*) FROM items WHERE ${where.text}
GROUP BY items.collection, d ORDER BY items.collection, d
ON CONFLICT (collection, day) DO UPDATE SET n = agg_day.n + excluded.n`;
  const numbers =
    sign === 1
      ? `INSERT INTO item_numbers (pk, collection, name, value) ${numbersOf(d, where.text)}`
      : `DELETE FROM item_numbers WHERE pk IN (SELECT items.pk FROM items WHERE ${where.text})`;
  return [sql(h3, ...p), sql(day, ...p), sql(numbers, ...p)];
}

/** Counts to add to agg_h3 and agg_day for new rows: what summaryUpdates(+1) computes in SQL, from the rows in hand. */
export interface SummaryCounts {
  h3: { collection: string; res: number; cell: bigint; n: number }[];
  days: { collection: string; day: number; n: number }[];
}

export function summaryCounts(rows: ItemRow[]): SummaryCounts {
  const h3 = new Map<string, SummaryCounts["h3"][number]>();
  const days = new Map<string, SummaryCounts["days"][number]>();
  for (const r of rows) {
    // each (resolution, cell) once per item, however many of its cells lie inside it
    const mine = new Set<bigint>();
    for (const c of r.h3) {
      mine.add(c.cell);
      for (const a of ancestorCells(c.cell)) mine.add(a);
    }
    for (const cell of mine) {
      const res = Number((cell >> 52n) & 15n);
      const key = `${r.collection}\u0000${cell}`;
      const e = h3.get(key);
      if (e) e.n++;
      else h3.set(key, { collection: r.collection, res, cell, n: 1 });
    }
    const day = r.dtStart - (((r.dtStart % 86_400_000) + 86_400_000) % 86_400_000);
    const key = `${r.collection}\u0000${day}`;
    const e = days.get(key);
    if (e) e.n++;
    else days.set(key, { collection: r.collection, day, n: 1 });
  }
  return { h3: [...h3.values()], days: [...days.values()] };
}

export const ADD_H3 =
  "INSERT INTO agg_h3 (collection, res, cell, n) VALUES (?, ?, ?, ?) ON CONFLICT (res, collection, cell) DO UPDATE SET n = agg_h3.n + excluded.n";
export const ADD_DAY =
  "INSERT INTO agg_day (collection, day, n) VALUES (?, ?, ?) ON CONFLICT (collection, day) DO UPDATE SET n = agg_day.n + excluded.n";

/** Statements forgetting a collection's summaries (all its items go). */
export function summaryDrop(collection: string): Fragment[] {
  return ["agg_h3", "agg_day", "item_numbers"].map((t) =>
    sql(`DELETE FROM ${t} WHERE collection = ?`, collection),
  );
}

/** Statements rebuilding every summary from the items (a catalog written before summaries existed). */
export function summaryRebuild(d: Dialect): Fragment[] {
  return [
    ...["agg_h3", "agg_day", "item_numbers"].map((t) => sql(`DELETE FROM ${t}`)),
    ...summaryUpdates(d, 1, sql("1=1")),
  ];
}
