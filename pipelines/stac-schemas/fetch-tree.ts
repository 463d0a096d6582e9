import {
  FILE_EXTENSION,
  ITEM_ASSETS_EXTENSION,
  SchemaSet,
  STAC_VERSION,
  TABLE_EXTENSION,
  XARRAY_ASSETS_EXTENSION,
} from "../../catalog-api/index.js";
import { cachedSchemaLoader } from "./cached-loader.js";

/** The schemas a catalog of refs is validated against: STAC core and the extensions its builders declare. */
export const CATALOG_SCHEMAS = [
  ...["catalog", "collection", "item"].map(
    (n) => `https://schemas.stacspec.org/v${STAC_VERSION}/${n}-spec/json-schema/${n}.json`,
  ),
  FILE_EXTENSION,
  TABLE_EXTENSION,
  ITEM_ASSETS_EXTENSION,
  XARRAY_ASSETS_EXTENSION,
];

export interface FetchTreeResult {
  /** Every schema now in the cache that a root needs. */
  cached: string[];
  /** Roots that could not be had whole, and why. */
  missing: { schema: string; reason: string }[];
}

/** `refs schemas fetch`: fill the cache with `roots` and everything they refer to. */
export async function fetchSchemaTree(
  cacheDir: string,
  roots: readonly string[] = CATALOG_SCHEMAS,
  env: NodeJS.ProcessEnv = process.env,
): Promise<FetchTreeResult> {
  const schemas = new SchemaSet(cachedSchemaLoader(cacheDir, env));
  const missing: FetchTreeResult["missing"] = [];
  for (const root of roots) {
    const why = await schemas.unavailable(root);
    if (why) missing.push({ schema: root, reason: why });
  }
  return { cached: [...schemas.loaded.keys()].sort(), missing };
}
