import type { Geometry } from "../geometry/geojson.js";

/** The typed tree both CQL2 encodings (text and JSON) parse into; the SQL compiler reads only this. */
export type Expr =
  | { kind: "and" | "or"; args: Expr[] }
  | { kind: "not"; arg: Expr }
  | { kind: "bool"; value: boolean }
  | { kind: "compare"; op: CompareOp; left: Scalar; right: Scalar }
  | { kind: "like"; value: Scalar; pattern: Scalar }
  | { kind: "between"; value: Scalar; low: Scalar; high: Scalar }
  | { kind: "in"; value: Scalar; list: Scalar[] }
  | { kind: "isNull"; value: Scalar }
  | { kind: "spatial"; op: SpatialOp; left: Scalar; right: Scalar }
  | { kind: "array"; op: ArrayOp; left: Scalar; right: Scalar }
  | { kind: "temporal"; op: TemporalOp; left: Scalar; right: Scalar }
  | { kind: "h3"; property: string; cells: string[] };

export type CompareOp = "=" | "<>" | "<" | "<=" | ">" | ">=";
/** CQL2 spatial functions (DE-9IM relations, as PostGIS and JTS define them). */
export const SPATIAL_OPS = [
  "s_intersects",
  "s_contains",
  "s_within",
  "s_disjoint",
  "s_equals",
  "s_touches",
  "s_crosses",
  "s_overlaps",
] as const;
export type SpatialOp = (typeof SPATIAL_OPS)[number];
/** CQL2 array functions: a_equals (same size, equal element at each position), a_contains, a_containedby, a_overlaps. */
export const ARRAY_OPS = ["a_equals", "a_contains", "a_containedby", "a_overlaps"] as const;
export type ArrayOp = (typeof ARRAY_OPS)[number];
/** An element of an array literal. */
export type ArrayElement = string | number | boolean;
export const TEMPORAL_OPS = [
  "t_after",
  "t_before",
  "t_contains",
  "t_disjoint",
  "t_during",
  "t_equals",
  "t_finishedby",
  "t_finishes",
  "t_intersects",
  "t_meets",
  "t_metby",
  "t_overlappedby",
  "t_overlaps",
  "t_startedby",
  "t_starts",
] as const;
export type TemporalOp = (typeof TEMPORAL_OPS)[number];

/** Values an operator works on. Times are epoch ms; an interval's open end is -/+Infinity. */
export type Scalar =
  | { kind: "property"; name: string }
  /** `loose`: from the query extension, where clients send every value as text ("0.5", "true"). */
  | { kind: "string"; value: string; loose?: boolean }
  | { kind: "number"; value: number }
  | { kind: "boolean"; value: boolean }
  | { kind: "timestamp"; ms: number }
  | { kind: "date"; ms: number }
  | { kind: "interval"; start: number; end: number }
  | { kind: "geometry"; geometry: Geometry }
  | { kind: "array"; values: ArrayElement[] }
  /** CASEI(x) and ACCENTI(x): a string compared without regard to case or to accents. */
  | { kind: "casei" | "accenti"; arg: Scalar };

/** The function name our H3 filter goes by in both encodings: h3_intersects(property, 'cell'[, 'cell'...]). */
export const H3_FUNCTION = "h3_intersects";

/**
 * Most literal values one filter may hold (IN lists included), checked while parsing, before anything recurses or
 * spreads over them; thousands of values are abuse, not a query.
 */
export const MAX_FILTER_VALUES = 5000;
