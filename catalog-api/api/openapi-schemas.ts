/**
 * OpenAPI 3.0 schema objects (components/schemas) of what the API reads and answers: the STAC objects, the
 * search body, errors. OpenAPI 3.0 has no type lists: null is `nullable`. Extra members are allowed wherever
 * STAC allows extensions.
 */
type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const strings: Schema = { type: "array", items: { type: "string" } };
const nullableTime: Schema = { type: "string", format: "date-time", nullable: true };

const link: Schema = {
  type: "object",
  required: ["href", "rel"],
  properties: {
    href: { type: "string" },
    rel: { type: "string" },
    type: { type: "string" },
    title: { type: "string" },
    method: { type: "string", enum: ["GET", "POST"] },
    body: { type: "object" },
    merge: { type: "boolean" },
  },
};

const bbox: Schema = {
  type: "array",
  description: "[west, south, east, north] or with minimum and maximum elevation, in degrees (WGS84)",
  minItems: 4,
  maxItems: 6,
  items: { type: "number" },
};

const geometry: Schema = {
  type: "object",
  description: "GeoJSON geometry",
  required: ["type"],
  properties: {
    type: {
      type: "string",
      enum: [
        "Point",
        "MultiPoint",
        "LineString",
        "MultiLineString",
        "Polygon",
        "MultiPolygon",
        "GeometryCollection",
      ],
    },
    coordinates: { type: "array", items: {} },
    geometries: { type: "array", items: { type: "object" } },
  },
};

const asset: Schema = {
  type: "object",
  required: ["href"],
  properties: {
    href: { type: "string" },
    type: { type: "string" },
    title: { type: "string" },
    description: { type: "string" },
    roles: strings,
  },
};

const item: Schema = {
  type: "object",
  description: "STAC Item (GeoJSON Feature)",
  required: ["type", "stac_version", "id", "geometry", "properties", "links", "assets"],
  properties: {
    type: { type: "string", enum: ["Feature"] },
    stac_version: { type: "string" },
    stac_extensions: strings,
    id: { type: "string" },
    collection: { type: "string" },
    // inline, not a $ref: OpenAPI 3.0 allows `nullable` only beside `type`
    geometry: { ...geometry, nullable: true },
    bbox: ref("Bbox"),
    properties: {
      type: "object",
      properties: {
        datetime: nullableTime,
        start_datetime: { type: "string", format: "date-time" },
        end_datetime: { type: "string", format: "date-time" },
        "h3:resolution": { type: "integer", minimum: 0, maximum: 15 },
        "h3:cells": { ...strings, description: "H3 cells (hex) the item covers" },
      },
    },
    links: { type: "array", items: ref("Link") },
    assets: { type: "object", additionalProperties: ref("Asset") },
  },
};

/** A search answer or a page of a collection's items; `fields` may leave members out of the features. */
const itemCollection: Schema = {
  type: "object",
  required: ["type", "features"],
  properties: {
    type: { type: "string", enum: ["FeatureCollection"] },
    features: { type: "array", items: { type: "object" } },
    links: { type: "array", items: ref("Link") },
    numberMatched: { type: "integer", minimum: 0 },
    numberReturned: { type: "integer", minimum: 0 },
  },
};

const collection: Schema = {
  type: "object",
  description: "STAC Collection",
  required: ["type", "stac_version", "id", "description", "license", "extent", "links"],
  properties: {
    type: { type: "string", enum: ["Collection"] },
    stac_version: { type: "string" },
    stac_extensions: strings,
    id: { type: "string" },
    title: { type: "string" },
    description: { type: "string" },
    keywords: strings,
    license: { type: "string" },
    providers: { type: "array", items: { type: "object", required: ["name"] } },
    extent: {
      type: "object",
      required: ["spatial", "temporal"],
      properties: {
        spatial: {
          type: "object",
          required: ["bbox"],
          properties: { bbox: { type: "array", minItems: 1, items: ref("Bbox") } },
        },
        temporal: {
          type: "object",
          required: ["interval"],
          properties: {
            interval: {
              type: "array",
              minItems: 1,
              items: { type: "array", minItems: 2, maxItems: 2, items: nullableTime },
            },
          },
        },
      },
    },
    summaries: { type: "object" },
    item_assets: { type: "object", additionalProperties: { type: "object" } },
    links: { type: "array", items: ref("Link") },
  },
};

const catalog: Schema = {
  type: "object",
  description: "STAC Catalog (the landing page)",
  required: ["type", "stac_version", "id", "description", "links"],
  properties: {
    type: { type: "string", enum: ["Catalog"] },
    stac_version: { type: "string" },
    stac_extensions: strings,
    id: { type: "string" },
    title: { type: "string" },
    description: { type: "string" },
    conformsTo: strings,
    links: { type: "array", items: ref("Link") },
  },
};

const searchBody: Schema = {
  type: "object",
  description: "POST /search body: the GET parameters as JSON members",
  additionalProperties: false,
  properties: {
    collections: strings,
    ids: strings,
    bbox: ref("Bbox"),
    intersects: ref("Geometry"),
    datetime: {
      type: "string",
      description: "RFC 3339 instant, or start/end with '..' or '' for an open end",
    },
    h3: {
      type: "array",
      description: "H3 cells (hex): items whose coverage contains, or lies inside, any of them",
      items: { type: "string", pattern: "^[0-9a-fA-F]{15,16}$" },
    },
    filter: {
      description: "CQL2 filter: JSON (cql2-json) or text (cql2-text)",
      oneOf: [{ type: "object" }, { type: "string" }],
    },
    "filter-lang": { type: "string", enum: ["cql2-json", "cql2-text"] },
    "filter-crs": { type: "string", enum: ["http://www.opengis.net/def/crs/OGC/1.3/CRS84"] },
    sortby: {
      type: "array",
      items: {
        type: "object",
        required: ["field"],
        properties: { field: { type: "string" }, direction: { type: "string", enum: ["asc", "desc"] } },
      },
    },
    fields: {
      type: "object",
      properties: { include: strings, exclude: strings },
    },
    limit: {
      type: "integer",
      minimum: 1,
      default: 10,
      description: "page size; above 10000 is answered as 10000",
    },
    token: { type: "string", description: "paging token from a next link" },
    query: {
      type: "object",
      description:
        "query extension: property -> {eq|neq|lt|lte|gt|gte|in|startsWith|endsWith|contains: value}",
      additionalProperties: { type: "object" },
    },
  },
};

const queryables: Schema = {
  type: "object",
  description: "JSON Schema of the properties filter and sortby may name",
  required: ["type", "properties"],
  properties: {
    $schema: { type: "string" },
    $id: { type: "string" },
    type: { type: "string", enum: ["object"] },
    title: { type: "string" },
    properties: { type: "object", additionalProperties: { type: "object" } },
    additionalProperties: { type: "boolean" },
  },
};

export const componentSchemas: Record<string, Schema> = {
  Link: link,
  Bbox: bbox,
  Geometry: geometry,
  Asset: asset,
  Item: item,
  ItemCollection: itemCollection,
  Collection: collection,
  Collections: {
    type: "object",
    required: ["collections", "links"],
    properties: {
      collections: { type: "array", items: ref("Collection") },
      links: { type: "array", items: ref("Link") },
    },
  },
  Catalog: catalog,
  Conformance: { type: "object", required: ["conformsTo"], properties: { conformsTo: strings } },
  Queryables: queryables,
  SearchBody: searchBody,
  ItemOrItems: {
    description: "one Item, or a FeatureCollection of Items to add in one transaction",
    oneOf: [
      ref("Item"),
      {
        type: "object",
        required: ["type", "features"],
        properties: {
          type: { type: "string", enum: ["FeatureCollection"] },
          features: { type: "array", items: ref("Item") },
        },
      },
    ],
  },
  MergePatch: { type: "object", description: "JSON merge patch (RFC 7396): null removes a member" },
  Error: {
    type: "object",
    required: ["code", "description"],
    properties: { code: { type: "string" }, description: { type: "string" } },
  },
};

export { ref as schemaRef };
