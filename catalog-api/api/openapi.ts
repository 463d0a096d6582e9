import { cellsOpenApiPaths } from "../cells/openapi-paths.js";
import { COLLECTION_SORTABLES } from "../search/collection-order.js";
import { componentSchemas, schemaRef } from "./openapi-schemas.js";

/** An OpenAPI 3.0 description of this API (transaction operations only when they are enabled), and an HTML page. */
type Operation = Record<string, unknown>;

const GEOJSON = "application/geo+json";
const JSON_TYPE = "application/json";

const query = (name: string, description: string, schema: Record<string, unknown> = { type: "string" }) => ({
  name,
  in: "query",
  required: false,
  description,
  schema,
});

const pathParam = (name: string, description: string) => ({
  name,
  in: "path",
  required: true,
  description,
  schema: { type: "string" },
});

const COLLECTION_ID = pathParam("collectionId", "collection id");
const ITEM_ID = pathParam("itemId", "item id");

const FREE_TEXT =
  "free text: terms separated by commas (or OR) are alternatives, AND joins terms that must all occur, a double-quoted phrase is one term; case-insensitive substring of id, title, description or keywords";
const FREE_TEXT_ITEMS = `${FREE_TEXT} (the item's properties)`;

/** Parameters of GET /search that the items of a collection take too. */
const SEARCH_PARAMS = [
  query("bbox", "minx,miny,maxx,maxy (WGS84); not together with intersects"),
  query("datetime", "RFC 3339 instant, or start/end with '..' or '' for an open end"),
  query("h3", "H3 cells (hex), comma-separated: items whose coverage contains, or lies inside, any of them"),
  query(
    "filter",
    "CQL2 filter (text, or JSON with filter-lang=cql2-json): comparisons, LIKE, BETWEEN, IN, IS NULL; S_INTERSECTS, S_CONTAINS, S_WITHIN, S_DISJOINT, S_EQUALS, S_TOUCHES, S_CROSSES, S_OVERLAPS; the T_* functions; A_EQUALS, A_CONTAINS, A_CONTAINEDBY, A_OVERLAPS; CASEI and ACCENTI; h3_intersects",
  ),
  query("filter-lang", "language of filter", { type: "string", enum: ["cql2-text", "cql2-json"] }),
  query("filter-crs", "CRS of filter geometries", {
    type: "string",
    enum: ["http://www.opengis.net/def/crs/OGC/1.3/CRS84"],
  }),
  query(
    "query",
    'query extension: JSON object of property -> {eq|neq|lt|lte|gt|gte|in|startsWith|endsWith|contains: value}, e.g. {"quality":{"gt":0.5}}',
  ),
  query("q", FREE_TEXT_ITEMS),
  query("sortby", "comma-separated queryables, '-' prefix for descending"),
  query("fields", "comma-separated members to include, '-' prefix to exclude"),
  query("limit", "page size (default 10); above 10000 is answered as 10000", {
    type: "integer",
    minimum: 1,
    default: 10,
  }),
  query("token", "paging token from a next link"),
];

const body = (schema: string, types: string[] = [JSON_TYPE]) => ({
  required: true,
  content: Object.fromEntries(types.map((t) => [t, { schema: schemaRef(schema) }])),
});

const errorResponse = (description: string) => ({
  description,
  content: { [JSON_TYPE]: { schema: schemaRef("Error") } },
});

const answer = (status: number, description: string, schema: string | undefined, type = JSON_TYPE) => ({
  [status]: schema ? { description, content: { [type]: { schema: schemaRef(schema) } } } : { description },
});

const ERRORS = { 400: errorResponse("bad request"), 404: errorResponse("not found") };

function read(summary: string, operationId: string, schema: string, type = JSON_TYPE): Operation {
  return { summary, operationId, responses: { ...answer(200, summary, schema, type), ...ERRORS } };
}

function write(summary: string, operationId: string, status: number, schema?: string): Operation {
  return {
    summary,
    operationId,
    security: [{ bearer: [] }],
    responses: {
      ...answer(status, summary, schema, schema === "Item" ? GEOJSON : JSON_TYPE),
      ...ERRORS,
      401: errorResponse("missing or wrong bearer token"),
      409: errorResponse("already exists"),
    },
  };
}

export function openApiDocument(base: string, transactions: boolean): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {
    "/": { get: read("Landing page", "getLandingPage", "Catalog") },
    "/conformance": { get: read("Conformance classes", "getConformanceDeclaration", "Conformance") },
    "/api": {
      get: {
        summary: "This document",
        operationId: "getOpenApi",
        responses: {
          200: {
            description: "OpenAPI 3.0",
            content: { "application/vnd.oai.openapi+json;version=3.0": { schema: { type: "object" } } },
          },
        },
      },
    },
    "/api.html": {
      get: {
        summary: "This document as a page",
        operationId: "getOpenApiHtml",
        responses: { 200: { description: "HTML", content: { "text/html": { schema: { type: "string" } } } } },
      },
    },
    "/collections": {
      get: {
        ...read("Collections (collection search)", "getCollections", "Collections"),
        parameters: [
          query("bbox", "minx,miny,maxx,maxy: collections whose spatial extent meets it"),
          query("datetime", "instant or interval: collections whose temporal extent meets it"),
          query("q", FREE_TEXT),
          query("filter", "CQL2 over the collection queryables (/collection-queryables)"),
          query("filter-lang", "language of filter", { type: "string", enum: ["cql2-text", "cql2-json"] }),
          query(
            "sortby",
            `comma-separated, each +name or -name (${COLLECTION_SORTABLES.join(", ")}; datetime = start of the temporal extent); ties by id`,
          ),
          query("fields", "comma-separated member paths to include (+name or name) or exclude (-name)"),
          query("limit", "page size (default: every collection, at most 10000)", {
            type: "integer",
            minimum: 1,
          }),
          query("token", "paging token from a next or prev link"),
        ],
      },
    },
    "/collection-queryables": {
      get: read(
        "Queryables of collection search",
        "getCollectionSearchQueryables",
        "Queryables",
        "application/schema+json",
      ),
    },
    "/collections/{collectionId}": {
      parameters: [COLLECTION_ID],
      get: read("One collection", "describeCollection", "Collection"),
    },
    "/collections/{collectionId}/items": {
      parameters: [COLLECTION_ID],
      get: {
        ...read("Items of a collection", "getFeatures", "ItemCollection", GEOJSON),
        parameters: SEARCH_PARAMS,
      },
    },
    "/collections/{collectionId}/items/{itemId}": {
      parameters: [COLLECTION_ID, ITEM_ID],
      get: read("One item", "getFeature", "Item", GEOJSON),
    },
    "/collections/{collectionId}/queryables": {
      parameters: [COLLECTION_ID],
      get: read(
        "Queryables of a collection",
        "getCollectionQueryables",
        "Queryables",
        "application/schema+json",
      ),
    },
    "/queryables": { get: read("Queryables", "getQueryables", "Queryables", "application/schema+json") },
    "/aggregations": {
      get: {
        summary: "Aggregations /aggregate answers",
        operationId: "getAggregations",
        responses: {
          200: { description: "the list", content: { [JSON_TYPE]: { schema: { type: "object" } } } },
        },
      },
    },
    "/aggregate": {
      get: {
        summary:
          "Counts over a search: total_count, datetime_frequency (hour|day|month|year), grid_geohex_frequency (H3), property_range_frequency, statistics",
        operationId: "getAggregate",
        parameters: [
          query(
            "aggregations",
            "comma-separated: total_count, datetime_frequency, grid_geohex_frequency, property_range_frequency, statistics",
          ),
          query("range_property", "numeric queryable of property_range_frequency"),
          query(
            "ranges",
            "ranges of property_range_frequency, [from, to): from:to,... (an empty end is open)",
          ),
          query(
            "statistics_properties",
            "numeric queryables of statistics (count, min, max, sum, mean), comma-separated",
          ),
          query("datetime_frequency_interval", "bucket of datetime_frequency", {
            type: "string",
            enum: ["hour", "day", "month", "year"],
          }),
          query("grid_geohex_frequency_precision", "H3 resolution of grid_geohex_frequency (default 5)", {
            type: "integer",
            minimum: 0,
            maximum: 15,
          }),
          query("collections", "collection ids, comma-separated"),
          ...SEARCH_PARAMS.filter((p) => !["sortby", "fields", "limit", "token"].includes(p.name)),
        ],
        responses: {
          200: {
            description: "AggregationCollection",
            content: { [JSON_TYPE]: { schema: { type: "object" } } },
          },
          ...ERRORS,
        },
      },
      post: {
        summary: "Counts over a search (JSON body: search members plus the aggregation parameters)",
        operationId: "postAggregate",
        requestBody: { required: true, content: { [JSON_TYPE]: { schema: { type: "object" } } } },
        responses: {
          200: {
            description: "AggregationCollection",
            content: { [JSON_TYPE]: { schema: { type: "object" } } },
          },
          ...ERRORS,
        },
      },
    },
    "/search": {
      get: {
        ...read("Search items", "getItemSearch", "ItemCollection", GEOJSON),
        parameters: [
          query("collections", "collection ids, comma-separated"),
          query("ids", "item ids, comma-separated"),
          query("intersects", "GeoJSON geometry (as JSON text); not together with bbox"),
          ...SEARCH_PARAMS,
        ],
      },
      post: {
        ...read(
          "Search items (JSON body; next links carry the body)",
          "postItemSearch",
          "ItemCollection",
          GEOJSON,
        ),
        requestBody: body("SearchBody"),
      },
    },
    ...cellsOpenApiPaths(COLLECTION_ID, ERRORS),
  };
  if (transactions) {
    const patchTypes = ["application/merge-patch+json", JSON_TYPE];
    Object.assign(paths["/collections"]!, {
      post: {
        ...write("Create a collection", "postCollection", 201, "Collection"),
        requestBody: body("Collection"),
      },
    });
    Object.assign(paths["/collections/{collectionId}"]!, {
      put: {
        ...write("Replace a collection", "putCollection", 200, "Collection"),
        requestBody: body("Collection"),
      },
      patch: {
        ...write("Merge-patch a collection", "patchCollection", 200, "Collection"),
        requestBody: body("MergePatch", patchTypes),
      },
      delete: write("Delete a collection and its items", "deleteCollection", 204),
    });
    Object.assign(paths["/collections/{collectionId}/items"]!, {
      post: {
        ...write("Create an item, or several as a FeatureCollection", "postFeature", 201),
        requestBody: body("ItemOrItems", [JSON_TYPE, GEOJSON]),
      },
    });
    Object.assign(paths["/collections/{collectionId}/items/{itemId}"]!, {
      put: {
        ...write("Replace an item", "putFeature", 200, "Item"),
        requestBody: body("Item", [JSON_TYPE, GEOJSON]),
      },
      patch: {
        ...write("Merge-patch an item", "patchFeature", 200, "Item"),
        requestBody: body("MergePatch", patchTypes),
      },
      delete: write("Delete an item", "deleteFeature", 204),
    });
  }
  return {
    openapi: "3.0.3",
    info: {
      title: "refs STAC API",
      version: "1.0.0",
      description: `STAC API 1.0.0 with CQL2 filtering and H3 cell search; transactions ${transactions ? "enabled (bearer token)" : "disabled"}`,
    },
    servers: [{ url: base }],
    paths,
    components: {
      schemas: componentSchemas,
      ...(transactions ? { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } } : {}),
    },
  };
}

const METHODS = new Set(["get", "post", "put", "patch", "delete"]);

export function openApiHtml(base: string, transactions: boolean): string {
  const doc = openApiDocument(base, transactions) as {
    paths: Record<string, Record<string, { summary?: string }>>;
  };
  const rows = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([method]) => METHODS.has(method))
      .map(
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
