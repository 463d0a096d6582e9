import { timingSafeEqual } from "node:crypto";
import type { Context, Hono, MiddlewareHandler } from "hono";
import type { StacCollection, StacItem } from "../stac/types.js";
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

  app.on(["POST", "PUT", "PATCH", "DELETE"], ["/collections", "/collections/*"], guard);

  app.post("/collections", async (c) => {
    const col = checkCollection(await body(c));
    if (await store.getCollection(col.id)) throw apiError(409, `collection "${col.id}" already exists`);
    await store.putCollection(col);
    return c.json(withCollectionLinks(baseUrl(c), col), 201);
  });

  app.put("/collections/:collectionId", async (c) => {
    const id = c.req.param("collectionId");
    const col = checkCollection(await body(c));
    if (col.id !== id) throw apiError(400, `body id "${col.id}" differs from the URL's "${id}"`);
    await existingCollection(c, id);
    await store.putCollection(col);
    return c.json(withCollectionLinks(baseUrl(c), col));
  });

  app.patch("/collections/:collectionId", async (c) => {
    const id = c.req.param("collectionId");
    const patched = checkCollection(mergePatch(await existingCollection(c, id), await body(c)));
    if (patched.id !== id) throw apiError(400, "a patch cannot change the id");
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
    const items =
      b.type === "FeatureCollection" && Array.isArray(b.features)
        ? (b.features as StacItem[])
        : [b as StacItem];
    for (const item of items) {
      if (item?.id !== undefined && (await store.getItem(id, String(item.id)))) {
        throw apiError(409, `item "${item.id}" already exists in "${id}"`);
      }
    }
    await store.putItems(id, items);
    if (items.length === 1) return c.json(withItemLinks(baseUrl(c), { ...items[0]!, collection: id }), 201);
    return c.json({ type: "FeatureCollection", features: [], numberCreated: items.length }, 201);
  });

  app.put("/collections/:collectionId/items/:itemId", async (c) => {
    const { collectionId, itemId } = c.req.param();
    const item = (await body(c)) as StacItem;
    if (item?.id !== itemId)
      throw apiError(400, `body id "${String(item?.id)}" differs from the URL's "${itemId}"`);
    await existingItem(c, collectionId, itemId);
    await store.putItems(collectionId, [item]);
    return c.json(withItemLinks(baseUrl(c), { ...item, collection: collectionId }));
  });

  app.patch("/collections/:collectionId/items/:itemId", async (c) => {
    const { collectionId, itemId } = c.req.param();
    const patched = mergePatch(await existingItem(c, collectionId, itemId), await body(c)) as StacItem;
    if (patched.id !== itemId) throw apiError(400, "a patch cannot change the id");
    await store.putItems(collectionId, [patched]);
    return c.json(withItemLinks(baseUrl(c), { ...patched, collection: collectionId }));
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
  const c = v as Partial<StacCollection>;
  const ok =
    typeof c === "object" &&
    c !== null &&
    c.type === "Collection" &&
    typeof c.id === "string" &&
    /^[A-Za-z0-9._-]{1,200}$/.test(c.id) &&
    typeof c.description === "string" &&
    typeof c.license === "string" &&
    typeof c.extent === "object";
  if (!ok)
    throw apiError(
      400,
      "body: not a STAC Collection (type, id of [A-Za-z0-9._-], description, license, extent)",
    );
  return { ...(c as StacCollection), links: c.links ?? [] };
}
