import type { Fragment } from "../backend/sql.js";
import type { CatalogStore } from "../backend/store.js";
import { hasSpatial, isLargeFilter } from "../cql2/to-sql.js";
import { CatalogInputError } from "../errors.js";
import { countQuery, searchCondition, searchQuery } from "./build-query.js";
import { checkFields } from "./fields.js";
import { collectionQueryables, mergeQueryables, type Queryable } from "./queryables.js";
import type { SearchRequest } from "./request.js";
import { sortKeys, sortSignature } from "./sort.js";
import { decodeToken, encodeToken, type Keyset } from "./token.js";

/** SQLite binds at most 32,766 values per statement; the filter's own cap (MAX_FILTER_VALUES) comes first. */
const MAX_BOUND_VALUES = 30_000;

/** A found item as the store holds it: its JSON text, not parsed. */
export interface FoundItem {
  collection: string;
  id: string;
  text: string;
}

export interface SearchPage {
  items: FoundItem[];
  /** Token of the next page, absent on the last one. */
  next?: string;
  /** Token of the page before, absent on the first one. */
  prev?: string;
  numberMatched?: number;
}

/** Queryables for a search: those of the named collections, or of all of them. */
export async function queryablesFor(store: CatalogStore, collections?: string[]): Promise<Queryable[]> {
  const all = await store.listCollections();
  const key = collections?.join("\u0000") ?? "\u0001all";
  // a store that keeps its parsed collections hands back the same list: derive its queryables once
  const memo = queryablesMemo.get(all) ?? new Map<string, Queryable[]>();
  queryablesMemo.set(all, memo);
  let out = memo.get(key);
  if (!out) {
    const chosen = collections ? all.filter((c) => collections.includes(c.id)) : all;
    out = mergeQueryables(chosen.map((c) => collectionQueryables(c)));
    if (memo.size > 100) memo.clear();
    memo.set(key, out);
  }
  return out;
}

const queryablesMemo = new WeakMap<object, Map<string, Queryable[]>>();

/**
 * Run a search: build its SQL (everything bound), fetch one row more than the page to know whether there is a
 * next one, and hand back the keyset token of the last item.
 */
export async function runSearch(store: CatalogStore, req: SearchRequest): Promise<SearchPage> {
  const queryables = await queryablesFor(store, req.collections);
  if (req.fields) checkFields(req.fields, queryables);
  const keys = sortKeys(req.sortby, queryables, store.dialect);
  const signature = sortSignature(req.sortby);
  const after = req.token === undefined ? undefined : decodeToken(req.token, signature, keys.length);
  const where = searchCondition(req, queryables, store.dialect);
  if (where.params.length > MAX_BOUND_VALUES) {
    throw new CatalogInputError(
      `needs ${where.params.length} values, more than the ${MAX_BOUND_VALUES} allowed`,
      "search",
    );
  }
  // an H3 or ids condition narrows through its index whatever the values: the plan can be reused; so can the one
  // of a large filter, which the database sees as one opaque test (planning it with its values took seconds)
  const reusePlan = Boolean(req.h3 || req.ids || (req.filter && isLargeFilter(req.filter)));
  const rows = await store.query(searchQuery(where, keys, after, req.limit + 1, store.dialect), {
    reusePlan,
  });
  const more = rows.length > req.limit;
  // a page before a position came back in reverse order
  const page = after?.before ? rows.slice(0, req.limit).reverse() : rows.slice(0, req.limit);
  const out: SearchPage = {
    items: page.map((r) => ({
      collection: r.collection as string,
      id: r.id as string,
      text: r.item as string,
    })),
  };
  const position = (row: Record<string, unknown>, before: boolean) =>
    encodeToken({
      sort: signature,
      values: keys.map((_, i) => row[`k${i}`] as string | number),
      pk: Number(row.pk),
      before,
    });
  const first = page[0];
  const last = page.at(-1);
  // going forward there is a next page when a row more came back, and a previous one whenever a token brought us
  // here; going back, the other way round
  if (last && (after?.before || more)) out.next = position(last, false);
  if (first && after && (!after.before || more)) out.prev = position(first, true);
  out.numberMatched = await numberMatched(store, req, where, page.length, more, after, reusePlan);
  return out;
}

/** Above this many matches numberMatched is left out: counting them would cost more than the page. */
export const COUNT_CAP = 10_000;

/**
 * numberMatched: from an index when the search names at most one collection and nothing else; the page itself
 * when the first page is the only one; otherwise, for searches without a spatial test, a count of the matching
 * rows that stops at COUNT_CAP (first pages only: later pages of the same search match the same rows, and clients
 * read it from the first).
 */
async function numberMatched(
  store: CatalogStore,
  req: SearchRequest,
  where: Fragment,
  returned: number,
  more: boolean,
  after: Keyset | undefined,
  reusePlan: boolean,
): Promise<number | undefined> {
  if (isUnfiltered(req)) return countCheaply(store, req);
  if (after) return undefined;
  if (!more) return returned;
  // a spatial search would run its exact geometry test on every matching row (JavaScript on SQLite)
  if (req.bbox || req.intersects || (req.filter && hasSpatial(req.filter))) return undefined;
  const [row] = await store.query(countQuery(where, COUNT_CAP), { reusePlan });
  const n = Number(row?.n);
  return n <= COUNT_CAP ? n : undefined;
}

/** numberMatched only where an index answers it: no filters beyond one collection. */
function isUnfiltered(req: SearchRequest): boolean {
  const { limit: _l, token: _t, sortby: _s, fields: _f, collections, ...rest } = req;
  return Object.keys(rest).length === 0 && (collections?.length ?? 0) <= 1;
}

async function countCheaply(store: CatalogStore, req: SearchRequest): Promise<number> {
  const c = req.collections?.[0];
  if (req.collections && c === undefined) throw new CatalogInputError("is empty", "collections");
  return store.countItems(c);
}
