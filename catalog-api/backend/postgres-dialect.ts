import type { Geometry } from "../geometry/geojson.js";
import type { Dialect, ValueType } from "./dialect.js";
import { concat, type Fragment, sql } from "./sql.js";

const JSON_TYPES: Record<ValueType, { test: string; cast: string }> = {
  string: { test: "'string'", cast: "" },
  number: { test: "'number'", cast: "::double precision" },
  integer: { test: "'number'", cast: "::double precision" },
  boolean: { test: "'boolean'", cast: "::boolean" },
};

export const postgresDialect: Dialect = {
  name: "postgres",
  // as text, so the driver hands back a string instead of parsing the document
  itemText: "items.content::text",
  jsonProperty(name: string, type: ValueType): Fragment {
    const t = JSON_TYPES[type];
    // typed read: a value of another JSON type reads as NULL instead of failing the cast
    return sql(
      `(CASE WHEN jsonb_typeof(items.content->'properties'->CAST(? AS TEXT)) = ${t.test} THEN (items.content->'properties'->>CAST(? AS TEXT))${t.cast} END)`,
      name,
      name,
    );
  },
  intersects(geometry: Geometry, _rectangle?: boolean): Fragment {
    return sql(
      "ST_Intersects(items.geom, ST_SetSRID(ST_GeomFromGeoJSON(CAST(? AS TEXT)), 4326))",
      JSON.stringify(geometry),
    );
  },
  bigint: (v) => v.toString(),
  boolean: (v) => sql(v ? "TRUE" : "FALSE"),
  // NULL (unknown) goes to ELSE FALSE: rows are kept exactly when the condition is true, as in WHERE
  opaque: (f) => concat("(CASE WHEN ", f, " THEN TRUE ELSE FALSE END)"),
};

/** Turn the shared `?` placeholders into PostgreSQL's `$1, $2, ...` (our SQL text never holds a literal `?`). */
export function numberPlaceholders(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}
