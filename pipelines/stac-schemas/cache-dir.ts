import { homedir } from "node:os";
import { join } from "node:path";

/**
 * The local cache of STAC schemas: $REFS_STAC_SCHEMA_CACHE, else $XDG_CACHE_HOME/refs/stac-schemas, else
 * ~/.cache/refs/stac-schemas. Filled on first online use and by `refs schemas fetch`.
 */
export function stacSchemaCacheDir(env: NodeJS.ProcessEnv): string {
  if (env.REFS_STAC_SCHEMA_CACHE) return env.REFS_STAC_SCHEMA_CACHE;
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), ".cache");
  return join(base, "refs", "stac-schemas");
}
