import type { Dialect } from "../backend/dialect.js";
import { all, concat, type Fragment, join, sql } from "../backend/sql.js";
import { compileFilter } from "../cql2/to-sql.js";
import { bboxPolygon } from "../geometry/geojson.js";
import { freeTextCondition } from "./free-text.js";
import { h3Match } from "./h3-filter.js";
import type { Queryable } from "./queryables.js";
import type { SearchRequest } from "./request.js";
import type { SortKey } from "./sort.js";
import { TIME_MAX, TIME_MIN } from "./time-bounds.js";
import type { Keyset } from "./token.js";

/** The WHERE condition of a search (without paging). */
export function searchCondition(req: SearchRequest, queryables: Queryable[], d: Dialect): Fragment {
  const parts: Fragment[] = [];
  const inList = (column: string, values: string[]) =>
    sql(`${column} IN (${values.map(() => "?").join(", ")})`, ...values);
  if (req.collections) parts.push(inList("items.collection", req.collections));
  if (req.ids) parts.push(inList("items.id", req.ids));
  if (req.datetime) {
    // the item's span [dt_start, dt_end] meets the asked interval
    const start = Math.max(req.datetime.start, TIME_MIN);
    const end = Math.min(req.datetime.end, TIME_MAX);
    parts.push(sql("items.dt_start <= CAST(? AS BIGINT) AND items.dt_end >= CAST(? AS BIGINT)", end, start));
  }
  if (req.h3) parts.push(h3Match(req.h3, d, "h3", req.datetime));
  if (req.filter) parts.push(compileFilter(req.filter, queryables, d));
  if (req.q) parts.push(freeTextCondition(req.q, d));
  // the spatial tests last: SQLite evaluates a row's terms in this order, and its exact test runs in JavaScript
  // (geometry/intersects.ts), so the cheap datetime, H3 and property terms drop rows first
  // with H3 cells or ids the search runs on a reused generic plan (run-search.ts) that must start from their index;
  // PostgreSQL's generic plan otherwise started from the GiST index of the box (it cannot see how few rows the H3
  // cells select) and filtered thousands of rows: the spatial test goes to it as an opaque condition instead, run
  // on the rows the H3 or ids lookup leaves (PostgreSQL CPU per search 6.6 -> 0.5-1.0 ms at 10^5 items, README)
  const driven = Boolean(req.h3 || req.ids);
  const spatial = (f: Fragment) => (driven ? d.opaque(f) : f);
  if (req.bbox) parts.push(spatial(d.intersects(bboxPolygon(req.bbox), true, driven)));
  if (req.intersects) parts.push(spatial(d.intersects(req.intersects, false, driven)));
  return all(parts, "AND");
}

/**
 * Rows after the keyset position in (keys..., pk) order, each key in its own direction; with `after.before`, the
 * rows before it (the query then runs in the reverse order: see searchQuery).
 */
export function keysetCondition(keys: SortKey[], after: Keyset): Fragment {
  const ors: Fragment[] = [];
  const full = [
    ...keys.map((k, i) => ({ ...k, value: after.values[i] })),
    { expr: sql("items.pk"), direction: "asc" as const, value: after.pk },
  ].map((k) => (after.before ? { ...k, direction: flip(k.direction) } : k));
  for (let i = 0; i < full.length; i++) {
    const ands: Fragment[] = [];
    for (let j = 0; j < i; j++) ands.push(concat(full[j]!.expr, " = ", sql("?", full[j]!.value)));
    ands.push(concat(full[i]!.expr, full[i]!.direction === "asc" ? " > " : " < ", sql("?", full[i]!.value)));
    ors.push(all(ands, "AND"));
  }
  return all(ors, "OR");
}

function flip(d: "asc" | "desc"): "asc" | "desc" {
  return d === "asc" ? "desc" : "asc";
}

/**
 * SELECT pk, collection, id, item (its JSON text), k0..kn FROM items WHERE ...
 * ORDER BY keys, pk LIMIT n; for a page before the keyset position, in the reverse order (the caller reverses the
 * rows back).
 */
export function searchQuery(
  where: Fragment,
  keys: SortKey[],
  after: Keyset | undefined,
  limit: number,
  d: Dialect,
): Fragment {
  const select = keys.length
    ? concat(
        ", ",
        join(
          keys.map((k, i) => concat(k.expr, ` AS k${i}`)),
          ", ",
        ),
      )
    : sql("");
  const cond = after ? all([where, keysetCondition(keys, after)], "AND") : where;
  const dir = (d: "asc" | "desc") => (after?.before ? flip(d) : d).toUpperCase();
  const order = [...keys.map((k, i) => `k${i} ${dir(k.direction)}`), `items.pk ${dir("asc")}`].join(", ");
  return concat(
    "SELECT items.pk AS pk, items.collection AS collection, items.id AS id, ",
    `${d.itemText} AS item`,
    select,
    " FROM items WHERE ",
    cond,
    ` ORDER BY ${order}`,
    sql(" LIMIT ?", limit),
  );
}

/** How many rows match, counting at most `cap` (+1 to tell "more than cap"): numberMatched at bounded cost. */
export function countQuery(where: Fragment, cap: number): Fragment {
  return concat(
    "SELECT count(*) AS n FROM (SELECT 1 FROM items WHERE ",
    where,
    sql(" LIMIT ?) AS matched", cap + 1),
  );
}
