import { timingSafeEqual } from "node:crypto";
import type { Context, Hono, MiddlewareHandler } from "hono";
import { type Geometry, geometryBbox } from "../geometry/geojson.js";
import { checkCollectionStructure, checkItemStructure } from "../stac/check-structure.js";
import type { StacCollection, StacItem } from "../stac/types.js";
import { validateStac } from "../stac/validate.js";
import type { ApiOptions } from "./context.js";
import { baseUrl } from "./context.js";
import { apiError } from "./http-errors.js";
import { withCollectionLinks, withItemLinks } from "./links.js";
import { mergePatch } from "./merge-patch.js";

/**
 * Transactions on collections and items (create, replace, patch, delete). With no token configured every such
 * request is a 405; with one, a request without the right bearer token is a 401.
 */
export function transactionRoutes(app: Hono, o: ApiOptions): void {
  const guard: MiddlewareHandler = o.token ? bearerGuard(o.token) : disabled;
  const store = o.store;
  /** Structure first (names the member), then the STAC schemas when a local copy is configured. */
  const validatedAll = async <T extends object>(objects: T[]): Promise<T[]> => {
    // validated as the API will serve them: with their links (an item naming its collection needs that link)
    const served = objects.map((x) =>
      (x as { type?: unknown }).type === "Feature"
        ? withItemLinks(SCHEMA_BASE, x as unknown as StacItem)
        : withCollectionLinks(SCHEMA_BASE, x as unknown as StacCollection),
    );
    if (o.schemasDir) await validateStac(served, { schemasDir: o.schemasDir });
    return objects;
  };
  const validated = async <T extends object>(one: T): Promise<T> => (await validatedAll([one]))[0]!;
  const geojson = (c: Context, item: StacItem, status: 200 | 201) =>
    c.json(withItemLinks(baseUrl(c), item), status, { "content-type": GEOJSON });

  app.on(["POST", "PUT", "PATCH", "DELETE"], ["/collections", "/collections/*"], guard);

  app.post("/collections", async (c) => {
    const col = await validated(checkCollection(await body(c)));
    if (await store.getCollection(col.id)) throw apiError(409, `collection "${col.id}" already exists`);
    await store.putCollection(col);
    return c.json(withCollectionLinks(baseUrl(c), col), 201);
  });

  app.put("/collections/:collectionId", async (c) => {
    const id = c.req.param("collectionId");
    const col = await validated(checkCollection(await body(c)));
    if (col.id !== id) throw apiError(400, `body id "${col.id}" differs from the URL's "${id}"`);
    await existingCollection(c, id);
    await store.putCollection(col);
    return c.json(withCollectionLinks(baseUrl(c), col));
  });

  app.patch("/collections/:collectionId", async (c) => {
    const id = c.req.param("collectionId");
    const merged = mergePatch(await existingCollection(c, id), await body(c)) as { id?: unknown };
    if (merged?.id !== id) throw apiError(400, "a patch cannot change the id");
    const patched = await validated(checkCollection(merged));
    await store.putCollection(patched);
    return c.json(withCollectionLinks(baseUrl(c), patched));
  });

  app.delete("/collections/:collectionId", async (c) => {
    const id = c.req.param("collectionId");
    if (!(await store.deleteCollection(id))) throw apiError(404, `collection "${id}" not found`);
    return c.body(null, 204);
  });

  app.post("/collections/:collectionId/items", async (c) => {
    const id = c.req.param("collectionId");
    await existingCollection(c, id);
    const b = (await body(c)) as { type?: unknown; features?: unknown };
    const given =
      b?.type === "FeatureCollection" && Array.isArray(b.features) ? (b.features as unknown[]) : [b];
    const items = await validatedAll(given.map((x, i) => checkItem(x, id, given.length > 1 ? i : undefined)));
    for (const item of items) {
      if (item?.id !== undefined && (await store.getItem(id, String(item.id)))) {
        throw apiError(409, `item "${item.id}" already exists in "${id}"`);
      }
    }
    await store.putItems(id, items);
    if (items.length === 1) return geojson(c, { ...(await store.getItem(id, items[0]!.id))! }, 201);
    return c.json({ type: "FeatureCollection", features: [], numberCreated: items.length }, 201, {
      "content-type": GEOJSON,
    });
  });

  app.put("/collections/:collectionId/items/:itemId", async (c) => {
    const { collectionId, itemId } = c.req.param();
    const given = (await body(c)) as { id?: unknown } | null;
    if (given?.id !== itemId)
      throw apiError(400, `body id "${String(given?.id)}" differs from the URL's "${itemId}"`);
    const item = await validated(checkItem(given, collectionId));
    await existingItem(c, collectionId, itemId);
    await store.putItems(collectionId, [item]);
    return geojson(c, (await store.getItem(collectionId, itemId))!, 200);
  });

  app.patch("/collections/:collectionId/items/:itemId", async (c) => {
    const { collectionId, itemId } = c.req.param();
    const merged = mergePatch(await existingItem(c, collectionId, itemId), await body(c)) as { id?: unknown };
    if (merged?.id !== itemId) throw apiError(400, "a patch cannot change the id");
    // the merged result is what gets stored: it is checked like a new item
    const patched = await validated(checkItem(merged, collectionId));
    await store.putItems(collectionId, [patched]);
    return geojson(c, (await store.getItem(collectionId, itemId))!, 200);
  });

  app.delete("/collections/:collectionId/items/:itemId", async (c) => {
    const { collectionId, itemId } = c.req.param();
    if (!(await store.deleteItem(collectionId, itemId)))
      throw apiError(404, `item "${itemId}" not found in "${collectionId}"`);
    return c.body(null, 204);
  });

  async function existingCollection(_c: Context, id: string): Promise<StacCollection> {
    const col = await store.getCollection(id);
    if (!col) throw apiError(404, `collection "${id}" not found`);
    return col;
  }

  async function existingItem(c: Context, collectionId: string, itemId: string): Promise<StacItem> {
    await existingCollection(c, collectionId);
    const item = await store.getItem(collectionId, itemId);
    if (!item) throw apiError(404, `item "${itemId}" not found in "${collectionId}"`);
    return item;
  }
}

const GEOJSON = "application/geo+json";
const SCHEMA_BASE = "http://localhost";

const disabled: MiddlewareHandler = async () => {
  throw apiError(405, "transactions are disabled on this server (no bearer token configured)");
};

/** Accept only `Authorization: Bearer <token>`, compared in constant time. */
function bearerGuard(token: string): MiddlewareHandler {
  const expected = Buffer.from(`Bearer ${token}`);
  return async (c, next) => {
    const given = Buffer.from(c.req.header("authorization") ?? "");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      c.header("WWW-Authenticate", 'Bearer realm="refs"');
      throw apiError(401, "a valid bearer token is required for transactions");
    }
    await next();
  };
}

async function body(c: Context): Promise<unknown> {
  return c.req.json().catch(() => {
    throw apiError(400, "body: not valid JSON");
  });
}

function checkCollection(v: unknown): StacCollection {
  const c = checkCollectionStructure(v, "body");
  if (!/^[A-Za-z0-9._-]{1,200}$/.test(c.id))
    throw apiError(400, `body id: "${c.id.slice(0, 80)}" must be 1 to 200 of [A-Za-z0-9._-]`);
  return { ...c, links: c.links ?? [] };
}

/** An item of a request body, checked (the store checks it again when writing: the same function). */
function checkItem(v: unknown, collection: string, index?: number): StacItem {
  const item = checkItemStructure(v, index === undefined ? "body" : `body features[${index}]`);
  if (item.collection !== undefined && item.collection !== collection)
    throw apiError(400, `body collection: "${item.collection}" differs from the URL's "${collection}"`);
  // as the store will keep it (a bbox next to every geometry), so the schemas see what is stored
  const bbox = item.bbox ?? (item.geometry ? geometryBbox(item.geometry as Geometry) : undefined);
  return {
    ...item,
    collection,
    ...(bbox ? { bbox } : {}),
    links: item.links ?? [],
    assets: item.assets ?? {},
  };
}
