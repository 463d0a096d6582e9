/**
 * Where the catalog phase's STAC schemas come from: a folder the user names (--stac-schemas, $REFS_STAC_SCHEMAS)
 * wins and nothing goes to the network; otherwise the local cache (cache-dir.ts), filled from the network on
 * first use.
 */
import { folderSchemaLoader, type SchemaLoader } from "../../catalog-api/index.js";
import { stacSchemaCacheDir } from "./cache-dir.js";
import { cachedSchemaLoader } from "./cached-loader.js";

export { stacSchemaCacheDir } from "./cache-dir.js";
export { type FetchTreeResult, fetchSchemaTree } from "./fetch-tree.js";

export interface StacSchemaSettings {
  /** A local schema folder: wins, offline. */
  dir?: string;
  /** The cache folder (default: stacSchemaCacheDir of the environment). */
  cacheDir?: string;
}

export function stacSchemaLoader(
  settings: StacSchemaSettings,
  env: NodeJS.ProcessEnv = process.env,
): SchemaLoader {
  if (settings.dir) return folderSchemaLoader(settings.dir);
  return cachedSchemaLoader(settings.cacheDir ?? stacSchemaCacheDir(env), env);
}
