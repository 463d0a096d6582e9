import type { Hono } from "hono";
import { searchFromBody, searchFromQuery } from "../search/parse-params.js";
import { runSearch } from "../search/run-search.js";
import type { ApiOptions } from "./context.js";
import { apiError } from "./http-errors.js";
import { itemCollectionText } from "./item-collection.js";

const GEOJSON = { "content-type": "application/geo+json" };

/** /search (GET and POST) and a collection's /items (GET, the same search scoped to one collection). */
export function searchRoutes(app: Hono, o: ApiOptions): void {
  app.get("/search", async (c) => {
    const req = searchFromQuery(c.req.query());
    return c.body(itemCollectionText(c, req, await runSearch(o.store, req)), 200, GEOJSON);
  });

  app.post("/search", async (c) => {
    const body = await c.req.json().catch(() => {
      throw apiError(400, "body: not valid JSON");
    });
    const req = searchFromBody(body);
    return c.body(itemCollectionText(c, req, await runSearch(o.store, req), body), 200, GEOJSON);
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
    return c.body(itemCollectionText(c, req, await runSearch(o.store, req)), 200, GEOJSON);
  });
}
