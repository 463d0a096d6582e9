/** An OpenAPI 3.0 description of this API, and an HTML page that lists its operations. */
export function openApiDocument(base: string, transactions: boolean): Record<string, unknown> {
  const p = (name: string, description: string, schema: Record<string, unknown> = { type: "string" }) => ({
    name,
    in: "query",
    required: false,
    description,
    schema,
  });
  const searchParams = [
    p("bbox", "minx,miny,maxx,maxy (WGS84); not together with intersects"),
    p("datetime", "RFC 3339 instant, or start/end with '..' or '' for an open end"),
    p("h3", "H3 cells (hex), comma-separated: items covering or inside any of them"),
    p("filter", "CQL2 filter (text, or JSON with filter-lang=cql2-json)"),
    p("filter-lang", "cql2-text (default) or cql2-json", {
      type: "string",
      enum: ["cql2-text", "cql2-json"],
    }),
    p("sortby", "comma-separated queryables, '-' prefix for descending"),
    p("fields", "comma-separated members to include, '-' prefix to exclude"),
    p("limit", "page size", { type: "integer", minimum: 1, maximum: 10000, default: 10 }),
    p("token", "paging token from a next link"),
  ];
  const ok = (description: string, type = "application/json") => ({
    200: { description, content: { [type]: { schema: { type: "object" } } } },
    400: { description: "bad request (STAC error body)" },
  });
  const path = (name: string, description: string) => ({
    name,
    in: "path",
    required: true,
    description,
    schema: { type: "string" },
  });
  const paths: Record<string, Record<string, unknown>> = {
    "/": { get: { summary: "Landing page", operationId: "getLandingPage", responses: ok("catalog") } },
    "/conformance": {
      get: { summary: "Conformance classes", operationId: "getConformance", responses: ok("classes") },
    },
    "/api": { get: { summary: "This document", operationId: "getOpenApi", responses: ok("OpenAPI 3.0") } },
    "/collections": {
      get: { summary: "Collections", operationId: "getCollections", responses: ok("collections") },
    },
    "/collections/{collectionId}": {
      get: {
        summary: "One collection",
        operationId: "getCollection",
        parameters: [path("collectionId", "collection id")],
        responses: ok("collection"),
      },
    },
    "/collections/{collectionId}/items": {
      get: {
        summary: "Items of a collection",
        operationId: "getFeatures",
        parameters: [path("collectionId", "collection id"), ...searchParams],
        responses: ok("items", "application/geo+json"),
      },
    },
    "/collections/{collectionId}/items/{itemId}": {
      get: {
        summary: "One item",
        operationId: "getFeature",
        parameters: [path("collectionId", "collection id"), path("itemId", "item id")],
        responses: ok("item", "application/geo+json"),
      },
    },
    "/collections/{collectionId}/queryables": {
      get: {
        summary: "Queryables of a collection",
        operationId: "getCollectionQueryables",
        parameters: [path("collectionId", "collection id")],
        responses: ok("JSON Schema", "application/schema+json"),
      },
    },
    "/queryables": {
      get: {
        summary: "Queryables",
        operationId: "getQueryables",
        responses: ok("JSON Schema", "application/schema+json"),
      },
    },
    "/search": {
      get: {
        summary: "Search items",
        operationId: "getItemSearch",
        parameters: [
          p("collections", "collection ids, comma-separated"),
          p("ids", "item ids, comma-separated"),
          p("intersects", "GeoJSON geometry"),
          ...searchParams,
        ],
        responses: ok("items", "application/geo+json"),
      },
      post: {
        summary: "Search items (JSON body; paging links carry the body)",
        operationId: "postItemSearch",
        requestBody: { content: { "application/json": { schema: { type: "object" } } } },
        responses: ok("items", "application/geo+json"),
      },
    },
  };
  if (transactions) {
    const secured = { security: [{ bearer: [] }] };
    Object.assign(paths["/collections"]!, {
      post: { summary: "Create a collection", ...secured, responses: { 201: { description: "created" } } },
    });
    Object.assign(paths["/collections/{collectionId}"]!, {
      put: { summary: "Replace a collection", ...secured, responses: { 200: { description: "replaced" } } },
      patch: {
        summary: "Merge-patch a collection",
        ...secured,
        responses: { 200: { description: "patched" } },
      },
      delete: {
        summary: "Delete a collection and its items",
        ...secured,
        responses: { 204: { description: "deleted" } },
      },
    });
    Object.assign(paths["/collections/{collectionId}/items"]!, {
      post: { summary: "Create items", ...secured, responses: { 201: { description: "created" } } },
    });
    Object.assign(paths["/collections/{collectionId}/items/{itemId}"]!, {
      put: { summary: "Replace an item", ...secured, responses: { 200: { description: "replaced" } } },
      patch: { summary: "Merge-patch an item", ...secured, responses: { 200: { description: "patched" } } },
      delete: { summary: "Delete an item", ...secured, responses: { 204: { description: "deleted" } } },
    });
  }
  return {
    openapi: "3.0.3",
    info: {
      title: "refs STAC API",
      version: "1.0.0",
      description: "STAC API 1.0.0 with CQL2 filtering and H3 cell search",
    },
    servers: [{ url: base }],
    paths,
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
  };
}

export function openApiHtml(base: string): string {
  const doc = openApiDocument(base, true) as { paths: Record<string, Record<string, { summary?: string }>> };
  const rows = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(
      ([method, op]) =>
        `<tr><td>${method.toUpperCase()}</td><td><code>${escapeHtml(path)}</code></td><td>${escapeHtml(op.summary ?? "")}</td></tr>`,
    ),
  );
  return `<!doctype html><html><head><meta charset="utf-8"><title>refs STAC API</title></head><body>
<h1>refs STAC API</h1><p>Machine-readable description: <a href="${escapeHtml(base)}/api">${escapeHtml(base)}/api</a> (OpenAPI 3.0).</p>
<table><tr><th>Method</th><th>Path</th><th>What</th></tr>${rows.join("")}</table></body></html>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[ch]!);
}
