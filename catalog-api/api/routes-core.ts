import type { Hono } from "hono";
import {
  COLLECTION_QUERYABLES,
  collectionSearchFromQuery,
  searchCollections,
} from "../search/collection-search.js";
import { collectionQueryables, queryablesSchema } from "../search/queryables.js";
import { queryablesFor } from "../search/run-search.js";
import { STAC_VERSION } from "../stac/types.js";
import { conformanceClasses } from "./conformance.js";
import { type ApiOptions, baseUrl } from "./context.js";
import { apiError } from "./http-errors.js";
import { withCollectionLinks, withItemLinks } from "./links.js";
import { openApiDocument, openApiHtml } from "./openapi.js";

/** Landing page, conformance, the API description, collections, single items and queryables. */
export function coreRoutes(app: Hono, o: ApiOptions): void {
  const tx = o.token !== undefined;

  app.get("/", async (c) => {
    const base = baseUrl(c);
    const collections = await o.store.listCollections();
    const json = "application/json";
    return c.json({
      type: "Catalog",
      stac_version: STAC_VERSION,
      id: "refs",
      title: o.title ?? "refs STAC API",
      description:
        o.description ?? "Chunk references and H3 Parquet tables of climate and earth-observation data",
      conformsTo: conformanceClasses(tx),
      links: [
        { rel: "self", href: `${base}/`, type: json },
        { rel: "root", href: `${base}/`, type: json },
        { rel: "service-desc", href: `${base}/api`, type: "application/vnd.oai.openapi+json;version=3.0" },
        { rel: "service-doc", href: `${base}/api.html`, type: "text/html" },
        { rel: "conformance", href: `${base}/conformance`, type: json },
        { rel: "data", href: `${base}/collections`, type: json },
        { rel: "search", href: `${base}/search`, type: "application/geo+json", method: "GET" },
        { rel: "search", href: `${base}/search`, type: "application/geo+json", method: "POST" },
        {
          rel: "http://www.opengis.net/def/rel/ogc/1.0/queryables",
          href: `${base}/queryables`,
          type: "application/schema+json",
        },
        ...collections.map((col) => ({
          rel: "child",
          href: `${base}/collections/${encodeURIComponent(col.id)}`,
          type: json,
          title: col.title as string | undefined,
        })),
      ],
    });
  });

  app.get("/conformance", (c) => c.json({ conformsTo: conformanceClasses(tx) }));
  app.get("/api", (c) =>
    c.json(openApiDocument(baseUrl(c), tx), 200, {
      "content-type": "application/vnd.oai.openapi+json;version=3.0",
    }),
  );
  app.get("/api.html", (c) => c.html(openApiHtml(baseUrl(c), tx)));

  app.get("/collections", async (c) => {
    const base = baseUrl(c);
    const query = c.req.query();
    const req = collectionSearchFromQuery(query);
    const found = searchCollections(await o.store.listCollections(), req);
    const json = "application/json";
    const page = (token: string) => {
      const params = new URLSearchParams({ ...query, token });
      return `${base}/collections?${params}`;
    };
    const self = new URLSearchParams(query).toString();
    return c.json({
      collections: found.collections.map((col) => withCollectionLinks(base, col)),
      links: [
        { rel: "self", href: `${base}/collections${self ? `?${self}` : ""}`, type: json },
        { rel: "root", href: `${base}/`, type: json },
        ...(found.next ? [{ rel: "next", href: page(found.next), type: json }] : []),
        ...(found.prev ? [{ rel: "prev", href: page(found.prev), type: json }] : []),
        {
          rel: "http://www.opengis.net/def/rel/ogc/1.0/queryables",
          href: `${base}/collection-queryables`,
          type: "application/schema+json",
        },
      ],
      numberMatched: found.numberMatched,
      numberReturned: found.collections.length,
    });
  });

  app.get("/collection-queryables", (c) => {
    const properties = Object.fromEntries(
      Object.entries(COLLECTION_QUERYABLES).map(([name, q]) => [
        name,
        { description: q.description, ...collectionSchema(q.type) },
      ]),
    );
    return c.json(
      {
        $schema: "https://json-schema.org/draft/2019-09/schema",
        $id: `${baseUrl(c)}/collection-queryables`,
        type: "object",
        title: "Queryables of collection search (GET /collections?filter=...)",
        properties,
        additionalProperties: false,
      },
      200,
      { "content-type": "application/schema+json" },
    );
  });

  app.get("/collections/:collectionId", async (c) => {
    const id = c.req.param("collectionId");
    const col = await o.store.getCollection(id);
    if (!col) throw apiError(404, `collection "${id}" not found`);
    return c.json(withCollectionLinks(baseUrl(c), col));
  });

  app.get("/collections/:collectionId/items/:itemId", async (c) => {
    const { collectionId, itemId } = c.req.param();
    const item = await o.store.getItem(collectionId, itemId);
    if (!item) throw apiError(404, `item "${itemId}" not found in collection "${collectionId}"`);
    return c.json(withItemLinks(baseUrl(c), item), 200, { "content-type": "application/geo+json" });
  });

  app.get("/queryables", async (c) => {
    const list = await queryablesFor(o.store);
    return c.json(queryablesSchema(list, `${baseUrl(c)}/queryables`, "Queryables of every collection"), 200, {
      "content-type": "application/schema+json",
    });
  });

  app.get("/collections/:collectionId/queryables", async (c) => {
    const id = c.req.param("collectionId");
    const col = await o.store.getCollection(id);
    if (!col) throw apiError(404, `collection "${id}" not found`);
    const url = `${baseUrl(c)}/collections/${encodeURIComponent(id)}/queryables`;
    return c.json(queryablesSchema(collectionQueryables(col), url, `Queryables of ${id}`), 200, {
      "content-type": "application/schema+json",
    });
  });
}

function collectionSchema(type: string): Record<string, unknown> {
  if (type === "time") return { type: "string", format: "date-time" };
  if (type === "geometry") return { $ref: "https://geojson.org/schema/Geometry.json" };
  if (type === "array") return { type: "array", items: { type: "string" } };
  return { type };
}
