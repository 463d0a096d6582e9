import type { Dialect } from "../backend/dialect.js";
import { all, type Fragment, sql } from "../backend/sql.js";
import { CatalogInputError } from "../errors.js";
import { ancestorCells, cellRange, parseCell } from "../h3/cell-ranges.js";
import type { TimeInterval } from "./datetime.js";
import { TIME_MAX, TIME_MIN } from "./time-bounds.js";

export const MAX_H3_CELLS = 100;

/**
 * Items whose coverage contains, or lies inside, one of the cells. `item_h3` holds each covered cell with its
 * res-15 range: cells inside a query cell have `lo` within its range (an index range scan); cells containing it
 * are among its ancestors (index lookups on `cell`). With a time window the span is checked in the same index.
 */
export function h3Match(cells: string[], d: Dialect, parameter: string, window?: TimeInterval): Fragment {
  if (cells.length === 0) throw new CatalogInputError("needs at least one cell", parameter);
  if (cells.length > MAX_H3_CELLS)
    throw new CatalogInputError(`takes at most ${MAX_H3_CELLS} cells`, parameter);
  const tests: Fragment[] = [];
  for (const text of cells) {
    const r = cellRange(parseCell(text, parameter));
    tests.push(sql("h.lo BETWEEN ? AND ?", d.bigint(r.lo), d.bigint(r.hi)));
    const up = ancestorCells(r.cell);
    if (up.length)
      tests.push(sql(`h.cell IN (${up.map(() => "?").join(", ")})`, ...up.map((c) => d.bigint(c))));
  }
  let where = all(tests, "OR");
  if (window) {
    // item_h3 repeats each item's time span, so a search with both filters narrows inside the index
    const span = sql(
      "h.dt_start <= CAST(? AS BIGINT) AND h.dt_end >= CAST(? AS BIGINT)",
      Math.min(window.end, TIME_MAX),
      Math.max(window.start, TIME_MIN),
    );
    where = all([where, span], "AND");
  }
  return { text: `items.pk IN (SELECT h.pk FROM item_h3 h WHERE ${where.text})`, params: where.params };
}
