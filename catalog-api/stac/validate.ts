import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { StacValidationError } from "../errors.js";

const require = createRequire(import.meta.url);

interface Report {
  valid: boolean | null;
  skipped: boolean;
  messages: string[];
  results: {
    core: { instancePath?: string; message?: string }[];
    extensions: Record<string, { instancePath?: string; message?: string }[]>;
  };
}

export interface ValidationOptions {
  /**
   * Folder laid out like ../shared/stac-schemas (v1.0.0/, extensions/<name>/<version>/, geojson/): schemas are read
   * from it and nothing goes to the network. Without it, stac-node-validator fetches schemas over HTTPS.
   */
  schemasDir?: string;
}

/** What a validation could not check. */
export interface ValidationReport {
  /**
   * Extension schemas some object declares that the local schema folder has no copy of: the objects were validated
   * against everything else (core, GeoJSON, the other extensions). Empty when schemas come from the network.
   */
  uncheckedExtensions: string[];
}

const EXTENSIONS_PREFIX = "https://stac-extensions.github.io/";

/** stac-node-validator's configuration for local schemas: core by `schemas`, extensions and GeoJSON by `schemaMap`. */
function validatorConfig(options: ValidationOptions): Record<string, unknown> {
  const config: Record<string, unknown> = { loader: require("stac-node-validator/src/loader/node.js") };
  if (options.schemasDir) {
    config.schemas = join(options.schemasDir, "v1.0.0");
    config.schemaMap = {
      [EXTENSIONS_PREFIX]: join(options.schemasDir, "extensions"),
      "https://geojson.org/schema/": join(options.schemasDir, "geojson"),
    };
  }
  return config;
}

/** Whether the local folder holds the schema of an extension URL (only stac-extensions.github.io is mapped). */
function haveLocally(url: string, schemasDir: string): boolean {
  if (!url.startsWith(EXTENSIONS_PREFIX)) return false;
  const path = join(schemasDir, "extensions", url.slice(EXTENSIONS_PREFIX.length));
  return path.startsWith(join(schemasDir, "extensions")) && existsSync(path);
}

/**
 * Offline, an extension without a local schema would fail every object that declares it ("schema not found"): the
 * objects are validated with those declarations left out, and the report names them.
 */
function withoutUnavailable(objects: object[], options: ValidationOptions) {
  const unchecked = new Set<string>();
  const { schemasDir } = options;
  if (!schemasDir) return { objects, unchecked: [] };
  const checked = objects.map((o) => {
    const declared = (o as { stac_extensions?: unknown }).stac_extensions;
    if (!Array.isArray(declared)) return o;
    const missing = declared.filter((u) => typeof u === "string" && !haveLocally(u, schemasDir));
    if (missing.length === 0) return o;
    for (const u of missing) unchecked.add(u);
    return { ...o, stac_extensions: declared.filter((u) => !missing.includes(u)) };
  });
  return { objects: checked, unchecked: [...unchecked].sort() };
}

interface BatchReport extends Report {
  children: (Report & { id: string | null })[];
}

/**
 * Validate Catalogs, Collections and Items in one call (stac-node-validator compiles its schemas once per call, so
 * batching is what makes thousands of items cheap). Throws StacValidationError naming the first invalid object.
 */
export async function validateStac(
  given: object[],
  options: ValidationOptions = {},
): Promise<ValidationReport> {
  const { objects, unchecked } = withoutUnavailable(given, options);
  if (objects.length === 0) return { uncheckedExtensions: unchecked };
  const validate = require("stac-node-validator") as (
    data: unknown,
    config: Record<string, unknown>,
  ) => Promise<BatchReport>;
  const report = await validate(objects, validatorConfig(options));
  const children = report.children.length ? report.children : [report];
  children.forEach((child, i) => {
    if (child.valid === true) return;
    const errors = [
      ...child.messages,
      ...child.results.core.map((e) => `${e.instancePath || "/"} ${e.message}`),
      ...Object.entries(child.results.extensions).flatMap(([ext, errs]) =>
        errs.map((e) => `${ext}: ${e.instancePath || "/"} ${e.message}`),
      ),
    ];
    throw new StacValidationError(
      String((objects[i] as { id?: unknown } | undefined)?.id),
      errors.length ? errors : ["the validator skipped it"],
    );
  });
  return { uncheckedExtensions: unchecked };
}
