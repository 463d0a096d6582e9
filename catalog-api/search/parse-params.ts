import { parseCql2Json } from "../cql2/json-parser.js";
import { parseCql2Text } from "../cql2/text-parser.js";
import { CatalogInputError } from "../errors.js";
import { checkBbox, checkGeometry } from "../geometry/geojson.js";
import { parseDatetimeParameter } from "./datetime.js";
import { parseFreeText } from "./free-text.js";
import { parseQueryExtension, withQuery } from "./query-extension.js";
import {
  DEFAULT_LIMIT,
  type FieldsSpec,
  MAX_LIMIT,
  MAX_LIST,
  type SearchRequest,
  type SortField,
} from "./request.js";

/** The parameters of GET /search, which are also the members of a POST /search body. */
const SEARCH_MEMBERS = new Set([
  "collections",
  "ids",
  "bbox",
  "intersects",
  "datetime",
  "h3",
  "filter",
  "filter-lang",
  "filter-crs",
  "sortby",
  "fields",
  "limit",
  "token",
  "query",
  "q",
]);

/** Turn GET query parameters into a SearchRequest (lists are comma-separated, filter in CQL2 text or JSON). */
export function searchFromQuery(q: Record<string, string | undefined>): SearchRequest {
  for (const key of Object.keys(q))
    if (!SEARCH_MEMBERS.has(key)) throw new CatalogInputError("is not a search parameter", key);
  const list = (key: string) => (q[key] === undefined ? undefined : splitList(q[key]!, key));
  const req: SearchRequest = { limit: parseLimit(q.limit) };
  req.collections = list("collections");
  req.ids = list("ids");
  if (q.bbox !== undefined) req.bbox = checkBbox(splitList(q.bbox, "bbox").map(Number));
  if (q.intersects !== undefined)
    req.intersects = checkGeometry(parseJson(q.intersects, "intersects"), "intersects");
  if (q.datetime !== undefined) req.datetime = parseDatetimeParameter(q.datetime);
  req.h3 = list("h3");
  if (q.filter !== undefined) req.filter = parseFilter(q.filter, q["filter-lang"] ?? "cql2-text");
  if (q.query !== undefined)
    req.filter = withQuery(req.filter, parseQueryExtension(parseJson(q.query, "query")));
  checkFilterCrs(q["filter-crs"]);
  if (q.q !== undefined) req.q = parseFreeText(q.q);
  if (q.sortby !== undefined) req.sortby = parseSortText(q.sortby);
  if (q.fields !== undefined) req.fields = parseFieldsText(q.fields);
  if (req.fields && req.fields.include.length + req.fields.exclude.length === 0) delete req.fields;
  if (q.token !== undefined) req.token = q.token;
  return finish(req);
}

/** Turn a POST /search body into a SearchRequest; unknown members and wrong types are errors. */
export function searchFromBody(body: unknown): SearchRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new CatalogInputError("must be a JSON object", "body");
  }
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b))
    if (!SEARCH_MEMBERS.has(key)) throw new CatalogInputError("is not a search member", key);
  const req: SearchRequest = { limit: parseLimit(b.limit) };
  req.collections = stringList(b.collections, "collections");
  req.ids = stringList(b.ids, "ids");
  if (b.bbox !== undefined) req.bbox = checkBbox(b.bbox);
  if (b.intersects !== undefined) req.intersects = checkGeometry(b.intersects, "intersects");
  if (b.datetime !== undefined) {
    if (typeof b.datetime !== "string") throw new CatalogInputError("must be a string", "datetime");
    req.datetime = parseDatetimeParameter(b.datetime);
  }
  req.h3 = stringList(b.h3, "h3");
  if (b.filter !== undefined) {
    const lang = b["filter-lang"] ?? (typeof b.filter === "string" ? "cql2-text" : "cql2-json");
    req.filter =
      typeof b.filter === "string"
        ? parseFilter(b.filter, String(lang))
        : parseFilterJsonValue(b.filter, String(lang));
  }
  if (b.query !== undefined && b.query !== null) {
    const query = typeof b.query === "string" ? parseJson(b.query, "query") : b.query;
    req.filter = withQuery(req.filter, parseQueryExtension(query));
  }
  checkFilterCrs(b["filter-crs"]);
  if (b.q !== undefined && b.q !== null) req.q = parseFreeText(b.q);
  if (b.sortby !== undefined) req.sortby = parseSortBody(b.sortby);
  // null, {} and empty lists all mean "no fields": the whole item (STAC API fields extension)
  if (b.fields !== undefined && b.fields !== null) req.fields = parseFieldsBody(b.fields);
  if (req.fields && req.fields.include.length + req.fields.exclude.length === 0) delete req.fields;
  if (b.token !== undefined) {
    if (typeof b.token !== "string") throw new CatalogInputError("must be a string", "token");
    req.token = b.token;
  }
  return finish(req);
}

function finish(req: SearchRequest): SearchRequest {
  if (req.bbox && req.intersects) throw new CatalogInputError("cannot be combined with intersects", "bbox");
  for (const [key, v] of Object.entries(req))
    if (v === undefined) delete (req as unknown as Record<string, unknown>)[key];
  return req;
}

/** STAC API item-search: a limit above the maximum is answered as the maximum, not refused; below 1 is a 400. */
export function parseLimit(v: unknown): number {
  if (v === undefined) return DEFAULT_LIMIT;
  const n = typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) {
    throw new CatalogInputError(`must be a positive integer (at most ${MAX_LIMIT} are returned)`, "limit");
  }
  return Math.min(n, MAX_LIMIT);
}

function splitList(text: string, key: string): string[] {
  const parts = text.split(",").map((s) => s.trim());
  if (parts.some((p) => p === "")) throw new CatalogInputError("has an empty entry", key);
  if (parts.length > MAX_LIST) throw new CatalogInputError(`has more than ${MAX_LIST} entries`, key);
  return parts;
}

function stringList(v: unknown, key: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((s) => typeof s === "string"))
    throw new CatalogInputError("must be a list of strings", key);
  if (v.some((s) => s.includes("\u0000")))
    throw new CatalogInputError("has an entry with a NUL character", key);
  if (v.length > MAX_LIST) throw new CatalogInputError(`has more than ${MAX_LIST} entries`, key);
  return v as string[];
}

export function parseJson(text: string, key: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new CatalogInputError("is not valid JSON", key, { cause });
  }
}

export function parseFilter(text: string, lang: string) {
  if (lang === "cql2-text") return parseCql2Text(text);
  if (lang === "cql2-json") return parseCql2Json(parseJson(text, "filter"));
  throw new CatalogInputError(`"${lang}" is not supported (cql2-text or cql2-json)`, "filter-lang");
}

function parseFilterJsonValue(value: unknown, lang: string) {
  if (lang !== "cql2-json")
    throw new CatalogInputError(`an object filter needs cql2-json, not "${lang}"`, "filter-lang");
  return parseCql2Json(value);
}

export function checkFilterCrs(crs: unknown): void {
  if (crs !== undefined && crs !== "http://www.opengis.net/def/crs/OGC/1.3/CRS84") {
    throw new CatalogInputError(
      "only http://www.opengis.net/def/crs/OGC/1.3/CRS84 is supported",
      "filter-crs",
    );
  }
}

export function parseSortText(text: string): SortField[] {
  return splitList(text, "sortby").map((s) => {
    const direction = s.startsWith("-") ? "desc" : "asc";
    return { field: stripPrefix(s.replace(/^[+-]/, "")), direction };
  });
}

function parseSortBody(v: unknown): SortField[] {
  if (!Array.isArray(v)) throw new CatalogInputError("must be a list of {field, direction}", "sortby");
  return v.map((s) => {
    const o = s as { field?: unknown; direction?: unknown };
    const dir = o?.direction ?? "asc";
    if (typeof o?.field !== "string" || (dir !== "asc" && dir !== "desc")) {
      throw new CatalogInputError('entries need a field and a direction "asc" or "desc"', "sortby");
    }
    return { field: stripPrefix(o.field), direction: dir };
  });
}

/** sortby may name a property as "properties.x" or "x". */
function stripPrefix(field: string): string {
  return field.startsWith("properties.") ? field.slice("properties.".length) : field;
}

export function parseFieldsText(text: string): FieldsSpec {
  const spec: FieldsSpec = { include: [], exclude: [] };
  if (text.trim() === "") return spec;
  for (const f of splitList(text, "fields")) {
    if (f.startsWith("-")) spec.exclude.push(f.slice(1));
    else spec.include.push(f.replace(/^\+/, ""));
  }
  return spec;
}

function parseFieldsBody(v: unknown): FieldsSpec {
  const o = v as { include?: unknown; exclude?: unknown };
  if (typeof o !== "object" || o === null)
    throw new CatalogInputError("must be {include, exclude}", "fields");
  return {
    include: stringList(o.include ?? undefined, "fields.include") ?? [],
    exclude: stringList(o.exclude ?? undefined, "fields.exclude") ?? [],
  };
}
