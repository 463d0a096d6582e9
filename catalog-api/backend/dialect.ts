import type { ArrayElement, ArrayOp, SpatialOp } from "../cql2/ast.js";
import type { Geometry } from "../geometry/geojson.js";
import type { Fragment } from "./sql.js";

/** Scalar types a queryable property can have in SQL. */
export type ValueType = "string" | "number" | "integer" | "boolean";

/** What differs between the SQL of the two backends; everything else is shared. */
export interface Dialect {
  readonly name: "sqlite" | "postgres";
  /** SQL giving an item's stored JSON as text (search answers splice it in unparsed). */
  readonly itemText: string;
  /** A property of `items.content.properties`, typed (NULL when absent or of another type). */
  jsonProperty(name: string, type: ValueType): Fragment;
  /**
   * True where the item's geometry intersects the bound GeoJSON geometry (exact, planar). `rectangle`: the geometry
   * is an axis-aligned box (a bbox search), so an item whose bbox lies inside it intersects without an exact test.
   * `driven`: another index (H3 cells, ids) already selects few rows, so the test runs on each of them instead of
   * starting from a spatial index.
   */
  intersects(geometry: Geometry, rectangle?: boolean, driven?: boolean): Fragment;
  /**
   * True where `item geometry OP the bound geometry` holds (CQL2 spatial functions, exact, planar); NULL (no
   * match, also under NOT) for an item without geometry.
   */
  relate(op: SpatialOp, geometry: Geometry): Fragment;
  /**
   * CQL2 array functions between a property of the item's properties (a JSON array; anything else does not match)
   * and a literal list. Elements compare by JSON type and value (1 equals 1.0; "1" does not).
   */
  arrayOp(op: ArrayOp, property: string, values: ArrayElement[]): Fragment;
  /** CASEI / ACCENTI of a string expression: lower-cased, or without combining accents (after NFD). */
  casei(f: Fragment): Fragment;
  accenti(f: Fragment): Fragment;
  /**
   * Free text: true where the lower-cased term (search/free-text.ts) occurs in the item's id, or its properties
   * title, description or keywords (a list), compared case-insensitively.
   */
  containsText(term: string): Fragment;
  /** The UTC month ("YYYY-MM") or year ("YYYY") of an epoch-ms column, for datetime_frequency. */
  calendarKey(unit: "month" | "year", column: string): string;
  /** How a 64-bit H3 integer is bound. */
  bigint(value: bigint): unknown;
  /** A boolean literal, comparable with jsonProperty(..., "boolean"). */
  boolean(value: boolean): Fragment;
  /**
   * A long filter condition in a form the planner takes as one opaque test: PostgreSQL's planner spends time
   * superlinear in the number of AND/OR terms it estimates and matches to indexes (thousands of terms kept a backend
   * busy for minutes, deaf to cancellation); SQLite needs nothing.
   */
  opaque(condition: Fragment): Fragment;
}
