import type { Expr } from "../cql2/ast.js";
import type { Bbox, Geometry } from "../geometry/geojson.js";
import type { TimeInterval } from "./datetime.js";
import type { FreeText } from "./free-text.js";

export interface SortField {
  field: string;
  direction: "asc" | "desc";
}

export interface FieldsSpec {
  include: string[];
  exclude: string[];
}

/** A search, whichever way it arrived (GET query, POST body, or a collection's /items). */
export interface SearchRequest {
  collections?: string[];
  ids?: string[];
  bbox?: Bbox;
  intersects?: Geometry;
  datetime?: TimeInterval;
  h3?: string[];
  filter?: Expr;
  /** Free text (`q`): over id, title, description and keywords. */
  q?: FreeText;
  sortby?: SortField[];
  fields?: FieldsSpec;
  limit: number;
  token?: string;
}

export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 10_000;
export const MAX_LIST = 1000;
