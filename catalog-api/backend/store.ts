import type { StacCollection, StacItem } from "../stac/types.js";
import type { Dialect } from "./dialect.js";
import type { Fragment } from "./sql.js";

/**
 * A catalog store: collections and items as JSON with indexed columns (`items`: pk, collection, id, dt_start,
 * dt_end, minx/miny/maxx/maxy, content; `item_h3`: pk, cell, lo, hi). The API and the catalog builder use only this;
 * search SQL is built once (search/) and run through `query`.
 */
export interface CatalogStore {
  readonly dialect: Dialect;
  putCollection(collection: StacCollection): Promise<void>;
  getCollection(id: string): Promise<StacCollection | undefined>;
  listCollections(): Promise<StacCollection[]>;
  /** Deletes the collection and its items; false when there was none. */
  deleteCollection(id: string): Promise<boolean>;
  /** Insert or replace (by collection + id) in one transaction; all or nothing. */
  putItems(collection: string, items: StacItem[]): Promise<void>;
  /** Make the collection hold exactly these items: replace them and delete the others (re-cataloguing). */
  replaceItems(collection: string, items: StacItem[]): Promise<void>;
  /**
   * replaceItems in batches, so a caller never holds every item: the collection's items are replaced by all the
   * batches put, at `commit`, all or nothing (`abort`, or a failed commit, leaves the old items). Optional: a
   * store without it gets the batches gathered and given to replaceItems (see replaceItemsInBatches).
   */
  beginReplaceItems?(collection: string): Promise<ItemsReplacement>;
  getItem(collection: string, id: string): Promise<StacItem | undefined>;
  deleteItem(collection: string, id: string): Promise<boolean>;
  countItems(collection?: string): Promise<number>;
  /** Run a SELECT built by the shared query code; rows as plain objects (a column named content is parsed). */
  query(fragment: Fragment, options?: QueryOptions): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** A replacement of a collection's items under way (see CatalogStore.beginReplaceItems). */
export interface ItemsReplacement {
  put(items: StacItem[]): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** The store's batched replacement, or one gathering the batches for replaceItems where it has none. */
export async function replaceItemsInBatches(
  store: CatalogStore,
  collection: string,
): Promise<ItemsReplacement> {
  if (store.beginReplaceItems) return store.beginReplaceItems(collection);
  const all: StacItem[] = [];
  return {
    put: async (items) => {
      all.push(...items);
    },
    commit: () => store.replaceItems(collection, all),
    abort: async () => {},
  };
}

export interface QueryOptions {
  /**
   * The query is driven by an index whatever its values (an H3 or ids lookup): a store may plan it once and reuse
   * the plan. Stores that plan cheaply ignore this.
   */
  reusePlan?: boolean;
}
