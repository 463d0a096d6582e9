import { parseCql2Json } from "../cql2/json-parser.js";
import { parseCql2Text } from "../cql2/text-parser.js";
import { CatalogInputError } from "../errors.js";
import { checkBbox } from "../geometry/geojson.js";
import { parseCell } from "../h3/cell-ranges.js";
import { parseDatetimeParameter } from "../search/datetime.js";
import { MAX_H3_CELLS } from "../search/h3-filter.js";
import { MAX_LIST } from "../search/request.js";
import {
  AGGREGATES,
  type Aggregate,
  type CellsRequest,
  DEFAULT_CELLS_LIMIT,
  MAX_CELLS_LIMIT,
} from "./request.js";

/** The query parameters GET /collections/{id}/cells takes (the OpenAPI document lists the same). */
export const CELLS_QUERY_MEMBERS = new Set([
  "h3",
  "bbox",
  "datetime",
  "filter",
  "filter-lang",
  "filter-crs",
  "aggregate",
  "resolution",
  "limit",
  "token",
  "f",
]);

/** GET /collections/{id}/cells: lists are comma-separated, `filter` is CQL2 text (or JSON with filter-lang). */
export function cellsFromQuery(q: Record<string, string | undefined>): CellsRequest {
  for (const key of Object.keys(q))
    if (!CELLS_QUERY_MEMBERS.has(key)) throw new CatalogInputError("is not a cells parameter", key);
  const req: CellsRequest = { limit: parseLimit(q.limit) };
  if (q.h3 !== undefined) req.h3 = cells(splitList(q.h3, "h3"));
  if (q.bbox !== undefined) req.bbox = checkBbox(splitList(q.bbox, "bbox").map(Number));
  if (q.datetime !== undefined) req.datetime = parseDatetimeParameter(q.datetime);
  if (q.filter !== undefined) req.filter = filterText(q.filter, q["filter-lang"] ?? "cql2-text");
  checkCrs(q["filter-crs"]);
  if (q.aggregate !== undefined) req.aggregate = aggregates(splitList(q.aggregate, "aggregate"));
  if (q.resolution !== undefined) req.resolution = parseResolution(q.resolution);
  if (q.token !== undefined) req.token = q.token;
  return req;
}

/** POST /collections/{id}/cells: the same members in a JSON object (lists as arrays, filter as text or JSON). */
export function cellsFromBody(body: unknown): CellsRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new CatalogInputError("must be a JSON object", "body");
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b))
    if (!CELLS_QUERY_MEMBERS.has(key) || key === "f")
      throw new CatalogInputError("is not a cells member", key);
  const req: CellsRequest = { limit: parseLimit(b.limit) };
  if (b.h3 !== undefined) req.h3 = cells(stringList(b.h3, "h3"));
  if (b.bbox !== undefined) req.bbox = checkBbox(b.bbox);
  if (b.datetime !== undefined) {
    if (typeof b.datetime !== "string") throw new CatalogInputError("must be a string", "datetime");
    req.datetime = parseDatetimeParameter(b.datetime);
  }
  if (b.filter !== undefined) {
    const lang = String(b["filter-lang"] ?? (typeof b.filter === "string" ? "cql2-text" : "cql2-json"));
    if (typeof b.filter === "string") req.filter = filterText(b.filter, lang);
    else if (lang === "cql2-json") req.filter = parseCql2Json(b.filter);
    else throw new CatalogInputError(`an object filter needs cql2-json, not "${lang}"`, "filter-lang");
  }
  checkCrs(b["filter-crs"]);
  if (b.aggregate !== undefined)
    req.aggregate = aggregates(
      typeof b.aggregate === "string"
        ? splitList(b.aggregate, "aggregate")
        : stringList(b.aggregate, "aggregate"),
    );
  if (b.resolution !== undefined) req.resolution = parseResolution(b.resolution);
  if (b.token !== undefined) {
    if (typeof b.token !== "string") throw new CatalogInputError("must be a string", "token");
    req.token = b.token;
  }
  return req;
}

function parseLimit(v: unknown): number {
  if (v === undefined) return DEFAULT_CELLS_LIMIT;
  const n = typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1)
    throw new CatalogInputError(
      `must be a positive integer (at most ${MAX_CELLS_LIMIT} are returned)`,
      "limit",
    );
  return Math.min(n, MAX_CELLS_LIMIT);
}

function parseResolution(v: unknown): number {
  const n = typeof v === "string" && /^\d{1,2}$/.test(v) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > 15)
    throw new CatalogInputError(`must be an H3 resolution 0..15, found ${JSON.stringify(v)}`, "resolution");
  return n;
}

function cells(list: string[]): bigint[] {
  if (list.length > MAX_H3_CELLS) throw new CatalogInputError(`takes at most ${MAX_H3_CELLS} cells`, "h3");
  return list.map((c) => parseCell(c, "h3"));
}

function aggregates(list: string[]): Aggregate[] {
  for (const a of list)
    if (!(AGGREGATES as readonly string[]).includes(a))
      throw new CatalogInputError(`"${a}" is not one of ${AGGREGATES.join(", ")}`, "aggregate");
  return [...new Set(list)] as Aggregate[];
}

function splitList(text: string, key: string): string[] {
  const parts = text.split(",").map((s) => s.trim());
  if (parts.some((p) => p === "")) throw new CatalogInputError("has an empty entry", key);
  if (parts.length > MAX_LIST) throw new CatalogInputError(`has more than ${MAX_LIST} entries`, key);
  return parts;
}

function stringList(v: unknown, key: string): string[] {
  if (!Array.isArray(v) || !v.every((s) => typeof s === "string"))
    throw new CatalogInputError("must be a list of strings", key);
  if (v.length === 0) throw new CatalogInputError("is empty", key);
  if (v.length > MAX_LIST) throw new CatalogInputError(`has more than ${MAX_LIST} entries`, key);
  return v as string[];
}

function filterText(text: string, lang: string) {
  if (lang === "cql2-text") return parseCql2Text(text);
  if (lang === "cql2-json") {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      throw new CatalogInputError("is not valid JSON", "filter", { cause });
    }
    return parseCql2Json(value);
  }
  throw new CatalogInputError(`"${lang}" is not supported (cql2-text or cql2-json)`, "filter-lang");
}

function checkCrs(crs: unknown): void {
  if (crs !== undefined && crs !== "http://www.opengis.net/def/crs/OGC/1.3/CRS84")
    throw new CatalogInputError(
      "only http://www.opengis.net/def/crs/OGC/1.3/CRS84 is supported",
      "filter-crs",
    );
}
