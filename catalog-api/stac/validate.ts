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

/** stac-node-validator's configuration for local schemas: core by `schemas`, extensions and GeoJSON by `schemaMap`. */
function validatorConfig(options: ValidationOptions): Record<string, unknown> {
  const config: Record<string, unknown> = { loader: require("stac-node-validator/src/loader/node.js") };
  if (options.schemasDir) {
    config.schemas = join(options.schemasDir, "v1.0.0");
    config.schemaMap = {
      "https://stac-extensions.github.io/": join(options.schemasDir, "extensions"),
      "https://geojson.org/schema/": join(options.schemasDir, "geojson"),
    };
  }
  return config;
}

interface BatchReport extends Report {
  children: (Report & { id: string | null })[];
}

/**
 * Validate Catalogs, Collections and Items in one call (stac-node-validator compiles its schemas once per call, so
 * batching is what makes thousands of items cheap). Throws StacValidationError naming the first invalid object.
 */
export async function validateStac(objects: object[], options: ValidationOptions = {}): Promise<void> {
  if (objects.length === 0) return;
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
}
