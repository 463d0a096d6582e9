import type { Expr } from "../cql2/ast.js";
import type { Bbox } from "../geometry/geojson.js";
import type { TimeInterval } from "../search/datetime.js";

export const AGGREGATES = ["mean", "min", "max", "sum", "count"] as const;
export type Aggregate = (typeof AGGREGATES)[number];
export const FORMATS = ["geojson", "csv", "parquet"] as const;
export type CellsFormat = (typeof FORMATS)[number];

/** A cells query, whichever way it arrived (GET query parameters or a POST body). */
export interface CellsRequest {
  /** Cells (any resolution) whose descendants at the data's resolution are wanted. */
  h3?: bigint[];
  /** Cells whose centre lies in this box (west, south, east, north; west > east crosses the antimeridian). */
  bbox?: Bbox;
  datetime?: TimeInterval;
  /** Row filter (before aggregation) over the variables, `time` and `count`. */
  filter?: Expr;
  /** Aggregate over time, one row per cell. */
  aggregate?: Aggregate[];
  /** Group up to parents at this (coarser) resolution. */
  resolution?: number;
  limit: number;
  token?: string;
}

export const DEFAULT_CELLS_LIMIT = 1000;
/** Larger limits are answered with this many rows (as item search does), keeping one answer's memory bounded. */
export const MAX_CELLS_LIMIT = 50_000;
