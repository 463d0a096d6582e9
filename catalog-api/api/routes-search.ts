import type { Hono } from "hono";
import { searchFromBody, searchFromQuery } from "../search/parse-params.js";
import { runSearch } from "../search/run-search.js";
import type { ApiOptions } from "./context.js";
import { apiError } from "./http-errors.js";
import { itemCollection } from "./item-collection.js";

/** /search (GET and POST) and a collection's /items (GET, the same search scoped to one collection). */
export function searchRoutes(app: Hono, o: ApiOptions): void {
  app.get("/search", async (c) => {
    const req = searchFromQuery(c.req.query());
    return c.json(itemCollection(c, req, await runSearch(o.store, req)), 200, {
      "content-type": "application/geo+json",
    });
  });

  app.post("/search", async (c) => {
    const body = await c.req.json().catch(() => {
      throw apiError(400, "body: not valid JSON");
    });
    const req = searchFromBody(body);
    return c.json(itemCollection(c, req, await runSearch(o.store, req), body), 200, {
      "content-type": "application/geo+json",
    });
  });

  app.get("/collections/:collectionId/items", async (c) => {
    const id = c.req.param("collectionId");
    if (!(await o.store.getCollection(id))) throw apiError(404, `collection "${id}" not found`);
    const query = c.req.query();
    const req = searchFromQuery(query);
    // Clients such as pystac-client repeat the collection as `collections=<id>`; any other collection conflicts.
    if (req.collections?.some((other) => other !== id))
      throw apiError(400, `collections: /collections/${id}/items holds only collection "${id}"`);
    req.collections = [id];
    return c.json(itemCollection(c, req, await runSearch(o.store, req)), 200, {
      "content-type": "application/geo+json",
    });
  });
}
