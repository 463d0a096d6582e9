import type { ArrayElement, ArrayOp, SpatialOp } from "../cql2/ast.js";
import { COMBINING_MARKS } from "../cql2/text-folding.js";
import type { Geometry } from "../geometry/geojson.js";
import type { Dialect, ValueType } from "./dialect.js";
import { concat, type Fragment, sql } from "./sql.js";

const JSON_TYPES: Record<ValueType, { test: string; cast: string }> = {
  string: { test: "'string'", cast: "" },
  number: { test: "'number'", cast: "::double precision" },
  integer: { test: "'number'", cast: "::double precision" },
  boolean: { test: "'boolean'", cast: "::boolean" },
};

const ST_FUNCTION: Record<SpatialOp, string> = {
  s_intersects: "ST_Intersects",
  s_contains: "ST_Contains",
  s_within: "ST_Within",
  s_disjoint: "ST_Disjoint",
  s_equals: "ST_Equals",
  s_touches: "ST_Touches",
  s_crosses: "ST_Crosses",
  s_overlaps: "ST_Overlaps",
};

/** The array-function condition over `P` (the property, JSONB) and `L` (the literal list, JSONB). */
const ARRAY_SQL: Record<ArrayOp, string> = {
  a_contains: "P @> L",
  a_containedby: "P <@ L",
  a_overlaps: "EXISTS (SELECT 1 FROM jsonb_array_elements(P) e JOIN jsonb_array_elements(L) l ON e = l)",
  a_equals: "P = L",
};

/** An item's searched text, lower-cased (the term is lower-cased by lower() too). */
const ITEM_TEXT = `lower(concat_ws(E'\\n', items.id, items.content->'properties'->>'title', items.content->'properties'->>'description',
  (SELECT string_agg(k, E'\\n') FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(items.content->'properties'->'keywords') = 'array' THEN items.content->'properties'->'keywords' ELSE '[]'::jsonb END) k)))`;

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
  intersects(geometry: Geometry, _rectangle?: boolean, _driven?: boolean): Fragment {
    return sql(
      "ST_Intersects(items.geom, ST_SetSRID(ST_GeomFromGeoJSON(CAST(? AS TEXT)), 4326))",
      JSON.stringify(geometry),
    );
  },
  relate(op: SpatialOp, geometry: Geometry): Fragment {
    return sql(
      `${ST_FUNCTION[op]}(items.geom, ST_SetSRID(ST_GeomFromGeoJSON(CAST(? AS TEXT)), 4326))`,
      JSON.stringify(geometry),
    );
  },
  arrayOp(op: ArrayOp, property: string, values: ArrayElement[]): Fragment {
    const params: unknown[] = [property];
    const text = ARRAY_SQL[op].replace(/\b[PL]\b/g, (m) => {
      params.push(m === "P" ? property : JSON.stringify(values));
      return m === "P" ? "(items.content->'properties'->CAST(? AS TEXT))" : "CAST(? AS JSONB)";
    });
    // CASE: jsonb_array_elements() fails on a non-array, so it must not run on one; a missing or non-array
    // property gives NULL (unknown), as a comparison with a missing property does
    return {
      text: `(CASE WHEN jsonb_typeof(items.content->'properties'->CAST(? AS TEXT)) = 'array' THEN ${text} END)`,
      params,
    };
  },
  containsText: (term) => sql(`strpos(${ITEM_TEXT}, lower(CAST(? AS TEXT))) > 0`, term),
  calendarKey: (unit, column) =>
    `to_char(to_timestamp(${column} / 1000.0) AT TIME ZONE 'UTC', '${unit === "month" ? "YYYY-MM" : "YYYY"}')`,
  casei: (f) => concat("lower(", f, ")"),
  accenti: (f) =>
    concat("regexp_replace(normalize(", f, sql(", NFD), CAST(? AS TEXT), '', 'g')", COMBINING_MARKS)),
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
