import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { folderSchemaLoader, type SchemaLoader, schemaFolderPath } from "../../catalog-api/index.js";
import { type FetchResult, fetchSchema } from "./fetch-schema.js";

/**
 * Schemas from the local cache; one not there yet is fetched once and kept for every later run. Offline, what the
 * cache holds is used and the rest is reported missing with the network's reason.
 */
export function cachedSchemaLoader(
  cacheDir: string,
  env: NodeJS.ProcessEnv = process.env,
  fetch: (url: string, env: NodeJS.ProcessEnv) => Promise<FetchResult> = fetchSchema,
): SchemaLoader {
  const local = folderSchemaLoader(cacheDir);
  return async (url) => {
    const cached = await local(url);
    if ("schema" in cached) return cached;
    const path = schemaFolderPath(url);
    if (!path) return cached;
    const fetched = await fetch(url, env);
    if ("missing" in fetched) return { missing: `not cached in ${cacheDir}, and ${fetched.missing}` };
    await keep(join(cacheDir, path), fetched.json).catch(() => {
      // a read-only cache still validates this run; the next one fetches again
    });
    return { schema: fetched.json };
  };
}

/** Written whole or not at all: a run killed mid-write leaves no truncated schema behind. */
async function keep(file: string, json: object): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, `${JSON.stringify(json, null, 2)}\n`);
  await rename(partial, file);
}
