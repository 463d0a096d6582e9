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
  intersects(geometry: Geometry, rectangle = false): Fragment {
    // the R*Tree prunes by bbox; refs_intersects (geometry/intersects.ts) decides exactly, except for an item whose
    // bbox lies inside a query rectangle: it intersects, and the JavaScript test (costly on large footprints) is
    // skipped
    const [w, south, e, n] = geometryBbox(geometry);
    const exact = sql("refs_intersects(items.geometry, ?) = 1", JSON.stringify(geometry));
    const test = rectangle
      ? concat(
          "((items.minx >= ? AND items.maxx <= ? AND items.miny >= ? AND items.maxy <= ?) OR ",
          exact,
          ")",
        )
      : exact;
    return concat(
      sql(
        "(items.pk IN (SELECT r.pk FROM items_rtree r WHERE r.minx <= ? AND r.maxx >= ? AND r.miny <= ? AND r.maxy >= ?) AND ",
        e,
        w,
        n,
        south,
      ),
      rectangle ? { text: test.text, params: [w, e, south, n, ...test.params] } : test,
      ")",
    );
  },
  bigint: (v) => v,
  boolean: (v) => sql(v ? "1" : "0"),
  opaque: (f) => f,
};
