/**
 * The structural STAC checks (catalog-api/stac/structure.ts) that every object passes before any schema, and
 * that are all the catalog has offline with no schema cached: what the builders make passes, and each broken
 * field is refused by name.
 */
import { describe, expect, it } from "vitest";
import { stacStructureErrors } from "../../catalog-api/stac/structure.js";

const item = {
  type: "Feature",
  stac_version: "1.0.0",
  id: "i",
  geometry: {
    type: "Polygon",
    coordinates: [
      [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 0],
      ],
    ],
  },
  bbox: [0, 0, 1, 1],
  properties: {
    datetime: null,
    start_datetime: "2022-01-01T00:00:00Z",
    end_datetime: "2022-01-02T00:00:00Z",
  },
  links: [{ rel: "collection", href: "./collection.json" }],
  assets: { data: { href: "a.parquet" } },
};
const collection = {
  type: "Collection",
  stac_version: "1.0.0",
  id: "c",
  description: "d",
  license: "CC-BY-4.0",
  extent: {
    spatial: { bbox: [[170, -10, -170, 10]] },
    temporal: { interval: [["2022-01-01T00:00:00Z", null]] },
  },
  links: [],
};
const catalog = { type: "Catalog", stac_version: "1.0.0", id: "cat", description: "d", links: [] };

describe("STAC structure", () => {
  it("well-formed objects pass (a box across the antimeridian too)", () => {
    expect(stacStructureErrors(item)).toEqual([]);
    expect(stacStructureErrors(collection)).toEqual([]);
    expect(stacStructureErrors(catalog)).toEqual([]);
    expect(stacStructureErrors({ ...item, geometry: null, bbox: undefined })).toEqual([]);
  });

  it.each([
    ["no id", { ...item, id: "" }, "/id must be a non-empty string"],
    ["bbox of 3", { ...item, bbox: [0, 0, 1] }, "/bbox must have 4 or 6 numbers"],
    ["south above north", { ...item, bbox: [0, 5, 1, 1] }, "/bbox: south 5 is above north 1"],
    [
      "unknown geometry",
      { ...item, geometry: { type: "Circle", coordinates: [0, 0] } },
      '/geometry/type "Circle"',
    ],
    [
      "point as text",
      { ...item, geometry: { type: "Point", coordinates: "x" } },
      "/geometry/coordinates are not",
    ],
    [
      "ring of 3",
      {
        ...item,
        geometry: {
          type: "Polygon",
          coordinates: [
            [
              [0, 0],
              [1, 0],
              [0, 0],
            ],
          ],
        },
      },
      "a polygon ring needs at least 4",
    ],
    ["link without href", { ...item, links: [{ rel: "self" }] }, "/links/0 must have a rel and an href"],
    ["links missing", { ...item, links: undefined }, "/links must be an array"],
    ["asset without href", { ...item, assets: { data: { type: "x" } } }, "/assets/data must have an href"],
    ["no datetime", { ...item, properties: {} }, "/properties/datetime must be a date-time or null"],
    [
      "null datetime, no range",
      { ...item, properties: { datetime: null } },
      "datetime null needs start_datetime and end_datetime",
    ],
    [
      "collection without license",
      { ...collection, license: undefined },
      "/license must be a non-empty string",
    ],
    [
      "collection without extent",
      { ...collection, extent: {} },
      "/extent/spatial/bbox must be a list of boxes",
    ],
    [
      "catalog without description",
      { ...catalog, description: "" },
      "/description must be a non-empty string",
    ],
    ["wrong type", { ...catalog, type: "FeatureCollection" }, "/type must be Catalog, Collection or Feature"],
    ["extensions not strings", { ...catalog, stac_extensions: [1] }, "/stac_extensions must be strings"],
  ])("%s is refused by name", (_name, broken, message) => {
    expect(stacStructureErrors(broken).join("; ")).toContain(message);
  });
});
