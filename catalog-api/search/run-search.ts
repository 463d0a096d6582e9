import type { CatalogStore } from "../backend/store.js";
import { CatalogInputError } from "../errors.js";
import { searchCondition, searchQuery } from "./build-query.js";
import { checkFields } from "./fields.js";
import { collectionQueryables, mergeQueryables, type Queryable } from "./queryables.js";
import type { SearchRequest } from "./request.js";
import { sortKeys, sortSignature } from "./sort.js";
import { decodeToken, encodeToken } from "./token.js";

const MAX_BOUND_VALUES = 5000;

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
  // SQLite binds at most 32,766 values; a search needing thousands is abuse, not a query
  if (where.params.length > MAX_BOUND_VALUES) {
    throw new CatalogInputError(
      `needs ${where.params.length} values, more than the ${MAX_BOUND_VALUES} allowed`,
      "search",
    );
  }
  // an H3 or ids condition narrows through its index whatever the values: the plan can be reused
  const reusePlan = Boolean(req.h3 || req.ids);
  const rows = await store.query(searchQuery(where, keys, after, req.limit + 1, store.dialect), {
    reusePlan,
  });
  const page = rows.slice(0, req.limit);
  const last = page.at(-1);
  const out: SearchPage = {
    items: page.map((r) => ({
      collection: r.collection as string,
      id: r.id as string,
      text: r.item as string,
    })),
  };
  if (rows.length > req.limit && last) {
    out.next = encodeToken({
      sort: signature,
      values: keys.map((_, i) => last[`k${i}`] as string | number),
      pk: Number(last.pk),
    });
  }
  if (isUnfiltered(req)) out.numberMatched = await countCheaply(store, req);
  return out;
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
