/** The cells query and the map page as the API's OpenAPI document lists them (api/openapi.ts adds these paths). */

import { MEDIA_TYPES } from "./negotiate.js";
import { AGGREGATES, DEFAULT_CELLS_LIMIT, MAX_CELLS_LIMIT } from "./request.js";

type Parameter = Record<string, unknown>;

const param = (name: string, description: string, schema: Record<string, unknown> = { type: "string" }) => ({
  name,
  in: "query",
  required: false,
  description,
  schema,
});

const CELLS_PARAMS: Parameter[] = [
  param("h3", "H3 cells (hex, any resolution), comma-separated: their descendants at the data's resolution"),
  param("bbox", "minx,miny,maxx,maxy (WGS84): cells whose centre lies in the box"),
  param("datetime", "RFC 3339 instant, or start/end with '..' or '' for an open end"),
  param("filter", "CQL2 over the variables, time and count (text, or JSON with filter-lang=cql2-json)"),
  param("filter-lang", "language of filter", { type: "string", enum: ["cql2-text", "cql2-json"] }),
  param("filter-crs", "CRS of filter geometries", {
    type: "string",
    enum: ["http://www.opengis.net/def/crs/OGC/1.3/CRS84"],
  }),
  param("aggregate", `comma-separated, over time per cell: ${AGGREGATES.join(", ")}`),
  param("resolution", "aggregate up to the parents at this coarser H3 resolution", {
    type: "integer",
    minimum: 0,
    maximum: 15,
  }),
  param("limit", `rows per page (default ${DEFAULT_CELLS_LIMIT}, at most ${MAX_CELLS_LIMIT})`, {
    type: "integer",
    minimum: 1,
    maximum: MAX_CELLS_LIMIT,
  }),
  param("token", "keyset paging token from a next link"),
  param("f", "output format (else chosen by Accept)", {
    type: "string",
    enum: ["geojson", "csv", "parquet"],
  }),
];

const ROWS = {
  description: "cells: GeoJSON hexagons, CSV or Parquet",
  content: Object.fromEntries(
    Object.values(MEDIA_TYPES).map((type) => [type.split(";")[0] as string, { schema: {} }]),
  ),
};

const CELLS_RESPONSES = (errors: Record<number, unknown>) => ({
  200: ROWS,
  ...errors,
  403: { description: "an item's data file lies outside the server's data roots (refs serve --data-root)" },
  501: { description: "outputs in object storage without httpfs" },
});

export function cellsOpenApiPaths(
  collectionId: Parameter,
  errors: Record<number, unknown>,
): Record<string, Record<string, unknown>> {
  return {
    "/collections/{collectionId}/cells": {
      parameters: [collectionId],
      get: {
        summary: "Values per H3 cell of the collection's Parquet (DuckDB over the files its items name)",
        operationId: "getCells",
        parameters: CELLS_PARAMS,
        responses: CELLS_RESPONSES(errors),
      },
      post: {
        summary: "The same query as a JSON body (lists as arrays, filter as CQL2 JSON or text)",
        operationId: "postCells",
        requestBody: { required: true, content: { "application/json": { schema: { type: "object" } } } },
        responses: CELLS_RESPONSES(errors),
      },
    },
    "/map": {
      get: {
        summary: "A map of the collections' cells and item footprints (MapLibre GL JS, served locally)",
        operationId: "getMap",
        responses: { 200: { description: "HTML", content: { "text/html": { schema: { type: "string" } } } } },
      },
    },
  };
}
