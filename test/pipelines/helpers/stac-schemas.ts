/**
 * A small STAC schema folder for tests that must run with no network and without ../shared/stac-schemas: the
 * structural rules of STAC 1.0.0 Catalogs, Collections and Items that the API relies on, written here (not the
 * published schemas), laid out as catalog-api/stac/validate.ts expects. Full schema validation is tested in
 * test/catalog-api with the published schemas.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

const LINKS = { type: "array", items: { type: "object", required: ["rel", "href"] } };

const ITEM = {
  type: "object",
  required: ["type", "stac_version", "id", "geometry", "bbox", "properties", "links", "assets"],
  properties: {
    type: { const: "Feature" },
    stac_version: { const: "1.0.0" },
    id: { type: "string", minLength: 1 },
    geometry: { type: "object", required: ["type", "coordinates"] },
    bbox: { type: "array", minItems: 4 },
    properties: {
      type: "object",
      anyOf: [
        { required: ["datetime"], properties: { datetime: { type: "string" } } },
        { required: ["start_datetime", "end_datetime"] },
      ],
    },
    links: LINKS,
    assets: { type: "object", additionalProperties: { type: "object", required: ["href"] } },
  },
};

const COLLECTION = {
  type: "object",
  required: ["type", "stac_version", "id", "description", "license", "extent", "links"],
  properties: {
    type: { const: "Collection" },
    id: { type: "string", minLength: 1 },
    extent: { type: "object", required: ["spatial", "temporal"] },
    links: LINKS,
  },
};

const CATALOG = {
  type: "object",
  required: ["type", "stac_version", "id", "description", "links"],
  properties: { type: { const: "Catalog" }, links: LINKS },
};

/**
 * Some extensions the catalog phase declares; item-assets and xarray-assets are left out on purpose, like the shared
 * folder lacks them: the catalog phase then names them in its status as not checked.
 */
const EXTENSIONS = ["file/v2.1.0", "projection/v2.0.0", "table/v1.2.0"];

export async function writeTestStacSchemas(dir: string): Promise<string> {
  const files: Record<string, object> = {
    "v1.0.0/item-spec/json-schema/item.json": ITEM,
    "v1.0.0/collection-spec/json-schema/collection.json": COLLECTION,
    "v1.0.0/catalog-spec/json-schema/catalog.json": CATALOG,
    ...Object.fromEntries(EXTENSIONS.map((e) => [`extensions/${e}/schema.json`, { type: "object" }])),
  };
  for (const [path, schema] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(
      join(dir, path),
      JSON.stringify({ $schema: "http://json-schema.org/draft-07/schema#", ...schema }),
    );
  }
  return dir;
}
