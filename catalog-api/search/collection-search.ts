import { InMemoryFilter, type PropertyType, type Value } from "../cql2/evaluate.js";
import { CatalogInputError } from "../errors.js";
import { type Bbox, bboxPolygon, checkBbox } from "../geometry/geojson.js";
import type { StacCollection } from "../stac/types.js";
import {
  checkCollectionFields,
  checkCollectionSort,
  collectionKey,
  compareKeys,
  decodeToken,
  encodeToken,
} from "./collection-order.js";
import { parseDatetimeParameter, parseRfc3339, type TimeInterval } from "./datetime.js";
import { applyFields } from "./fields.js";
import { type FreeText, matchesFreeText, parseFreeText } from "./free-text.js";
import { checkFilterCrs, parseFieldsText, parseFilter, parseLimit, parseSortText } from "./parse-params.js";
import { type FieldsSpec, MAX_LIMIT, type SortField } from "./request.js";

/** GET /collections as the collection-search extension reads it. */
export interface CollectionSearchRequest {
  bbox?: Bbox;
  datetime?: TimeInterval;
  q?: FreeText;
  filter?: InMemoryFilter;
  /** Order (then by id); absent: by id. */
  sortby?: SortField[];
  /** Members to keep or drop in each collection of the answer. */
  fields?: FieldsSpec;
  /** Absent: every collection on one page (GET /collections as it always was). */
  limit?: number;
  /** From a next or prev link: the position of the page's edge in the order (see collection-order.ts). */
  token?: string;
}

const PARAMS = new Set([
  "bbox",
  "datetime",
  "q",
  "filter",
  "filter-lang",
  "filter-crs",
  "sortby",
  "fields",
  "limit",
  "token",
]);

/** What a collection filter may name; a collection's extent is its `geometry` (bboxes) and `datetime` (intervals). */
export const COLLECTION_QUERYABLES: Record<string, { type: PropertyType; description: string }> = {
  id: { type: "string", description: "Collection identifier" },
  title: { type: "string", description: "Title" },
  description: { type: "string", description: "Description" },
  license: { type: "string", description: "License" },
  keywords: { type: "array", description: "Keywords (use A_CONTAINS, A_OVERLAPS, ...)" },
  datetime: {
    type: "time",
    description: "Temporal extent (the first, overall interval; open ends unbounded)",
  },
  geometry: { type: "geometry", description: "Spatial extent (the first, overall bbox)" },
};

const TYPES = Object.fromEntries(Object.entries(COLLECTION_QUERYABLES).map(([k, v]) => [k, v.type]));

export function collectionSearchFromQuery(q: Record<string, string | undefined>): CollectionSearchRequest {
  for (const key of Object.keys(q))
    if (!PARAMS.has(key)) throw new CatalogInputError("is not a collection search parameter", key);
  const req: CollectionSearchRequest = {};
  if (q.bbox !== undefined)
    req.bbox = checkBbox(q.bbox.split(",").map((s) => (s.trim() === "" ? Number.NaN : Number(s))));
  if (q.datetime !== undefined) req.datetime = parseDatetimeParameter(q.datetime);
  if (q.q !== undefined) req.q = parseFreeText(q.q);
  if (q.filter !== undefined) {
    const lang = q["filter-lang"] ?? "cql2-text";
    req.filter = new InMemoryFilter(parseFilter(q.filter, lang), TYPES);
  }
  checkFilterCrs(q["filter-crs"]);
  if (q.sortby !== undefined) {
    req.sortby = parseSortText(q.sortby);
    checkCollectionSort(req.sortby);
  }
  if (q.fields !== undefined) {
    const fields = parseFieldsText(q.fields);
    checkCollectionFields(fields);
    if (fields.include.length + fields.exclude.length) req.fields = fields;
  }
  if (q.limit !== undefined) req.limit = parseLimit(q.limit);
  if (q.token !== undefined) {
    decodeToken(q.token, req.sortby ?? []);
    req.token = q.token;
  }
  return req;
}

export interface CollectionPage {
  collections: StacCollection[];
  numberMatched: number;
  /** Token of the next page (after the last collection on this one), absent on the last page. */
  next?: string;
  /** Token of the previous page, absent on the first. */
  prev?: string;
}

/**
 * Collection search over the store's collections, held parsed in memory (every search needs them for its
 * queryables; catalogs hold tens to thousands): bbox and datetime intersect any of the extent's boxes and
 * intervals, q matches id, title, description and keywords, filter is CQL2. Pages follow sortby then id; a token
 * is the sort key of the collection at the page's edge, so pages neither repeat nor skip a collection while others
 * are added. `fields` is applied to the page last.
 */
export function searchCollections(all: StacCollection[], req: CollectionSearchRequest): CollectionPage {
  const sortby = req.sortby ?? [];
  const keyOf = (c: StacCollection) => collectionKey(c, sortby, extentStart);
  const matched = all
    .filter((c) => matches(c, req))
    .map((c) => ({ c, key: keyOf(c) }))
    .sort((a, b) => compareKeys(a.key, b.key, sortby));
  const limit = req.limit ?? MAX_LIMIT;
  let start = 0;
  if (req.token !== undefined) {
    const { back, key } = decodeToken(req.token, sortby);
    if (back) {
      const end = matched.findIndex((m) => compareKeys(m.key, key, sortby) >= 0);
      start = Math.max(0, (end < 0 ? matched.length : end) - limit);
    } else {
      const i = matched.findIndex((m) => compareKeys(m.key, key, sortby) > 0);
      start = i < 0 ? matched.length : i;
    }
  }
  const page = matched.slice(start, start + limit);
  const fields = req.fields;
  const out: CollectionPage = {
    collections: page.map((m) => (fields ? (applyFields(m.c, fields) as StacCollection) : m.c)),
    numberMatched: matched.length,
  };
  if (start + limit < matched.length && page.length) out.next = encodeToken("+", sortby, page.at(-1)!.key);
  if (start > 0 && page.length) out.prev = encodeToken("-", sortby, page[0]!.key);
  return out;
}

/** The start of a collection's overall temporal extent in epoch ms; null when open or missing. */
function extentStart(c: StacCollection): number | null {
  const extent = (c.extent ?? {}) as { temporal?: { interval?: unknown } };
  const t = intervals(extent.temporal?.interval)[0];
  return t && Number.isFinite(t.start) ? t.start : null;
}

function matches(c: StacCollection, req: CollectionSearchRequest): boolean {
  const extent = (c.extent ?? {}) as { spatial?: { bbox?: unknown }; temporal?: { interval?: unknown } };
  if (req.bbox && !boxes(extent.spatial?.bbox).some((b) => boxesMeet(b, req.bbox!))) return false;
  if (
    req.datetime &&
    !intervals(extent.temporal?.interval).some(
      (t) => t.start <= req.datetime!.end && t.end >= req.datetime!.start,
    )
  )
    return false;
  if (req.q && !matchesFreeText(texts(c), req.q)) return false;
  if (req.filter && !req.filter.matches((name) => property(c, name))) return false;
  return true;
}

function texts(c: StacCollection): string[] {
  const keywords = Array.isArray(c.keywords) ? c.keywords.filter((k) => typeof k === "string") : [];
  return [
    c.id,
    typeof c.title === "string" ? c.title : "",
    typeof c.description === "string" ? c.description : "",
    ...keywords,
  ];
}

function property(c: StacCollection, name: string): Value {
  const extent = (c.extent ?? {}) as { spatial?: { bbox?: unknown }; temporal?: { interval?: unknown } };
  if (name === "geometry") {
    const b = boxes(extent.spatial?.bbox)[0];
    return b ? bboxPolygon(b) : null;
  }
  if (name === "datetime") {
    const t = intervals(extent.temporal?.interval)[0];
    return t ? { span: [t.start, t.end] } : null;
  }
  const v = (c as Record<string, unknown>)[name];
  if (name === "keywords")
    return Array.isArray(v)
      ? (v.filter((x) => ["string", "number", "boolean"].includes(typeof x)) as string[])
      : null;
  return typeof v === "string" ? v : null;
}

/** The extent's boxes (2D part); one crossing the antimeridian (west > east) is split in two. */
function boxes(v: unknown): Bbox[] {
  if (!Array.isArray(v)) return [];
  const out: Bbox[] = [];
  for (const b of v) {
    if (!Array.isArray(b) || (b.length !== 4 && b.length !== 6) || !b.every((x) => typeof x === "number"))
      continue;
    const [w, s, e, n] = (b.length === 4 ? b : [b[0], b[1], b[3], b[4]]) as Bbox;
    if (w <= e) out.push([w, s, e, n]);
    else out.push([w, s, 180, n], [-180, s, e, n]);
  }
  return out;
}

function boxesMeet(a: Bbox, b: Bbox): boolean {
  return a[0] <= b[2] && a[2] >= b[0] && a[1] <= b[3] && a[3] >= b[1];
}

/** The extent's intervals in epoch ms; a null end is open. Malformed entries are skipped. */
function intervals(v: unknown): TimeInterval[] {
  if (!Array.isArray(v)) return [];
  const out: TimeInterval[] = [];
  for (const i of v) {
    if (!Array.isArray(i) || i.length !== 2) continue;
    try {
      const start = typeof i[0] === "string" ? parseRfc3339(i[0]) : Number.NEGATIVE_INFINITY;
      const end = typeof i[1] === "string" ? parseRfc3339(i[1]) : Number.POSITIVE_INFINITY;
      out.push({ start, end });
    } catch {
      // a stored extent that is not RFC 3339 cannot match a time search
    }
  }
  return out;
}
