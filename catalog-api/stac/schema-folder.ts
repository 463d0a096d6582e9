/**
 * A folder of STAC JSON Schemas laid out like ../shared/stac-schemas: `v1.0.0/...` for schemas.stacspec.org,
 * `extensions/<name>/<version>/...` for stac-extensions.github.io and `geojson/...` for geojson.org. The same layout
 * serves a copy given by the user and the local cache that `refs schemas fetch` fills.
 */
import { readFile } from "node:fs/promises";
import { join, normalize, sep } from "node:path";

/** Where a schema was looked for, and why it is not there: what a report says about a schema it could not use. */
export type SchemaLookup = { schema: object } | { missing: string };

/** Finds a JSON Schema by its URL. */
export type SchemaLoader = (url: string) => Promise<SchemaLookup>;

const HOSTS: [prefix: string, folder: string][] = [
  ["https://schemas.stacspec.org/", ""],
  ["https://stac-extensions.github.io/", "extensions/"],
  ["https://geojson.org/schema/", "geojson/"],
];

/** The path of a schema URL inside the folder layout; undefined for hosts the layout does not hold. */
export function schemaFolderPath(url: string): string | undefined {
  const bare = url.replace(/[#?].*$/, "");
  for (const [prefix, folder] of HOSTS) {
    if (!bare.startsWith(prefix)) continue;
    const path = normalize(folder + bare.slice(prefix.length));
    // a URL with ../ must not reach outside the folder
    if (path.startsWith("..") || path.startsWith(sep) || !path.endsWith(".json")) return undefined;
    return path;
  }
  return undefined;
}

/** Schemas read from a folder; nothing goes to the network. */
export function folderSchemaLoader(dir: string): SchemaLoader {
  return async (url) => {
    const path = schemaFolderPath(url);
    if (!path) return { missing: `${url} is not a schema a local folder holds` };
    const file = join(dir, path);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch {
      return { missing: `no ${file}` };
    }
    try {
      return { schema: JSON.parse(text) as object };
    } catch (error) {
      return { missing: `${file} is not JSON (${(error as Error).message})` };
    }
  };
}

/** Every `$ref` of a schema that names another document (not a `#/...` pointer into itself), as absolute URLs. */
export function schemaReferences(schema: unknown, base: string): string[] {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node !== null && typeof node === "object") {
      for (const [key, value] of Object.entries(node)) {
        if (key === "$ref" && typeof value === "string" && !value.startsWith("#")) {
          found.add(new URL(value, base).href.replace(/#.*$/, ""));
        } else visit(value);
      }
    }
  };
  visit(schema);
  return [...found];
}
