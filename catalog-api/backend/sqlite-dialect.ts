import type { ArrayElement, ArrayOp, SpatialOp } from "../cql2/ast.js";
import { type Geometry, geometryBbox } from "../geometry/geojson.js";
import type { Dialect, ValueType } from "./dialect.js";
import { concat, type Fragment, sql } from "./sql.js";

/** JSON type names json_type() reports for each of our value types. */
const JSON_TYPES: Record<ValueType, string> = {
  string: "'text'",
  number: "'integer','real'",
  integer: "'integer'",
  boolean: "'true','false'",
};

/** JSON path of a property inside `items.props` (bound as a parameter, never spliced into SQL). */
export function jsonPath(name: string): string {
  return `$."${name.replaceAll('"', "")}"`;
}

/** Two json_each() rows hold equal elements: same JSON type (integer and real alike) and value. */
const SAME_ELEMENT =
  "(CASE e.type WHEN 'real' THEN 'integer' ELSE e.type END) = (CASE l.type WHEN 'real' THEN 'integer' ELSE l.type END) AND e.atom = l.atom";

/** The array-function condition, with `P` for the property's path and `L` for the literal list (both bound). */
const ARRAY_SQL: Record<ArrayOp, string> = {
  a_contains: `NOT EXISTS (SELECT 1 FROM json_each(L) l WHERE NOT EXISTS (SELECT 1 FROM json_each(items.props, P) e WHERE ${SAME_ELEMENT}))`,
  a_containedby: `NOT EXISTS (SELECT 1 FROM json_each(items.props, P) e WHERE NOT EXISTS (SELECT 1 FROM json_each(L) l WHERE ${SAME_ELEMENT}))`,
  a_overlaps: `EXISTS (SELECT 1 FROM json_each(items.props, P) e, json_each(L) l WHERE ${SAME_ELEMENT})`,
  a_equals: `json_array_length(items.props, P) = json_array_length(L) AND NOT EXISTS (SELECT 1 FROM json_each(items.props, P) e JOIN json_each(L) l ON e.key = l.key WHERE NOT (${SAME_ELEMENT}))`,
};

/** An item's searched text, lower-cased (refs_casei: full Unicode, as the term was in JavaScript). */
const ITEM_TEXT =
  "refs_casei(items.id || char(10) || coalesce(json_extract(items.props, '$.title'), '') || char(10) || coalesce(json_extract(items.props, '$.description'), '') || char(10) || coalesce(CASE WHEN json_type(items.props, '$.keywords') = 'array' THEN (SELECT group_concat(k.value, char(10)) FROM json_each(items.props, '$.keywords') k) END, ''))";

export const sqliteDialect: Dialect = {
  name: "sqlite",
  itemText: "items.content",
  jsonProperty(name: string, type: ValueType): Fragment {
    const path = jsonPath(name);
    // typed read: a value of another JSON type reads as NULL instead of comparing across types
    return sql(
      `(CASE WHEN json_type(items.props, ?) IN (${JSON_TYPES[type]}) THEN json_extract(items.props, ?) END)`,
      path,
      path,
    );
  },
  intersects(geometry: Geometry, rectangle = false, driven = false): Fragment {
    // the R*Tree prunes by bbox; refs_intersects (geometry/intersects.ts) decides exactly, except for an item whose
    // bbox lies inside a query rectangle: it intersects, and the JavaScript test (costly on large footprints) is
    // skipped. When H3 cells or ids drive the search, the item's own box columns prune instead: SQLite builds the
    // R*Tree subquery's whole list (every item in the box: ~16,000 for a 4-degree box at 10^6 items) before
    // looking at the few rows the H3 index gives
    const [w, south, e, n] = geometryBbox(geometry);
    const prune = driven
      ? sql(
          "(items.minx <= ? AND items.maxx >= ? AND items.miny <= ? AND items.maxy >= ? AND ",
          e,
          w,
          n,
          south,
        )
      : sql(
          "(items.pk IN (SELECT r.pk FROM items_rtree r WHERE r.minx <= ? AND r.maxx >= ? AND r.miny <= ? AND r.maxy >= ?) AND ",
          e,
          w,
          n,
          south,
        );
    const exact = sql("refs_intersects(items.geometry, ?) = 1", JSON.stringify(geometry));
    const test = rectangle
      ? concat(
          "((items.minx >= ? AND items.maxx <= ? AND items.miny >= ? AND items.maxy <= ?) OR ",
          exact,
          ")",
        )
      : exact;
    return concat(
      prune,
      rectangle ? { text: test.text, params: [w, e, south, n, ...test.params] } : test,
      ")",
    );
  },
  relate(op: SpatialOp, geometry: Geometry): Fragment {
    if (op === "s_intersects") return sqliteDialect.intersects(geometry);
    if (op === "s_disjoint")
      return concat("(items.geometry IS NOT NULL AND NOT ", sqliteDialect.intersects(geometry), ")");
    // every other relation implies the boxes intersect (the R*Tree finds those); within, contains and equals also
    // bound the item's own box (exact columns: the R*Tree's float32 boxes are rounded outwards)
    const [w, south, e, n] = geometryBbox(geometry);
    const inside = sql(
      "items.minx >= ? AND items.maxx <= ? AND items.miny >= ? AND items.maxy <= ?",
      w,
      e,
      south,
      n,
    );
    const around = sql(
      "items.minx <= ? AND items.maxx >= ? AND items.miny <= ? AND items.maxy >= ?",
      w,
      e,
      south,
      n,
    );
    const box =
      op === "s_within"
        ? [inside]
        : op === "s_contains"
          ? [around]
          : op === "s_equals"
            ? [inside, around]
            : [];
    return concat(
      sql(
        "(items.pk IN (SELECT r.pk FROM items_rtree r WHERE r.minx <= ? AND r.maxx >= ? AND r.miny <= ? AND r.maxy >= ?) AND ",
        e,
        w,
        n,
        south,
      ),
      ...box.flatMap((b) => [b, " AND "]),
      sql("refs_relate(items.geometry, ?, ?) = 1)", JSON.stringify(geometry), op),
    );
  },
  arrayOp(op: ArrayOp, property: string, values: ArrayElement[]): Fragment {
    const path = jsonPath(property);
    const list = JSON.stringify(values);
    const params: unknown[] = [path];
    const text = ARRAY_SQL[op].replace(/\b[PL]\b/g, (m) => {
      params.push(m === "P" ? path : list);
      return "?";
    });
    // a missing or non-array property gives NULL (unknown), as a comparison with a missing property does
    return { text: `(CASE WHEN json_type(items.props, ?) = 'array' THEN ${text} END)`, params };
  },
  containsText: (term) => sql(`instr(${ITEM_TEXT}, ?) > 0`, term),
  calendarKey: (unit, column) =>
    // whole seconds by floor division (integer division truncates towards zero before 1970)
    `strftime('${unit === "month" ? "%Y-%m" : "%Y"}', (${column} - ((${column} % 1000) + 1000) % 1000) / 1000, 'unixepoch')`,
  casei: (f) => concat("refs_casei(", f, ")"),
  accenti: (f) => concat("refs_accenti(", f, ")"),
  bigint: (v) => v,
  boolean: (v) => sql(v ? "1" : "0"),
  opaque: (f) => f,
};
