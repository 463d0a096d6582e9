import { createRequire } from "node:module";
import { StacValidationError } from "../errors.js";
import { folderSchemaLoader, type SchemaLoader } from "./schema-folder.js";
import { SchemaSet } from "./schema-set.js";
import { stacStructureErrors } from "./structure.js";

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
   * from it and nothing goes to the network.
   */
  schemasDir?: string;
  /** Where schemas come from otherwise (e.g. a cache filled from the network); wins over schemasDir. */
  loadSchema?: SchemaLoader;
  // With neither, stac-node-validator fetches every schema over HTTPS itself.
}

/** A schema validation could not use, and why (not in the folder, the network unreachable...). */
export interface UnavailableSchema {
  schema: string;
  reason: string;
}

/** What a validation could not check. Every object was structurally checked (structure.ts) in any case. */
export interface ValidationReport {
  /**
   * Extension schemas some object declares that could not be had: the objects were validated against everything
   * else (core, GeoJSON, the other extensions).
   */
  uncheckedExtensions: string[];
  /** Core schemas (with what they refer to) that could not be had: objects of that type had structural checks only. */
  uncheckedCore: UnavailableSchema[];
  /** Why each unchecked schema (core or extension) could not be had. */
  unavailable: UnavailableSchema[];
}

/** The URL of the core schema stac-node-validator validates an object against. */
function coreSchemaUrl(o: object): string {
  const { type, stac_version } = o as { type?: unknown; stac_version?: unknown };
  const name = type === "Feature" ? "item" : String(type).toLowerCase();
  return `https://schemas.stacspec.org/v${String(stac_version)}/${name}-spec/json-schema/${name}.json`;
}

/**
 * Which objects go to the validator, and with which extensions: a declared extension whose schema cannot be had
 * would fail every object ("schema not found"), so it is left out of the declarations validated; an object whose
 * core schema cannot be had is not schema-validated at all. The report names each and why.
 */
async function withAvailableSchemas(objects: object[], load: SchemaLoader) {
  const schemas = new SchemaSet(load);
  const unavailable = new Map<string, string>();
  const coreMissing = new Set<string>();
  const extMissing = new Set<string>();
  const checked: object[] = [];
  const indices: number[] = [];
  for (const [i, o] of objects.entries()) {
    const core = coreSchemaUrl(o);
    const coreWhy = await schemas.unavailable(core);
    if (coreWhy) {
      unavailable.set(core, coreWhy);
      coreMissing.add(core);
      continue;
    }
    const declared = (o as { stac_extensions?: unknown }).stac_extensions;
    let kept = o;
    if (Array.isArray(declared)) {
      const missing: unknown[] = [];
      for (const u of declared) {
        if (typeof u !== "string") continue;
        const why = await schemas.unavailable(u);
        if (!why) continue;
        missing.push(u);
        extMissing.add(u);
        unavailable.set(u, why);
      }
      if (missing.length) kept = { ...o, stac_extensions: declared.filter((u) => !missing.includes(u)) };
    }
    checked.push(kept);
    indices.push(i);
  }
  const report: ValidationReport = {
    uncheckedExtensions: [...extMissing].sort(),
    uncheckedCore: [...coreMissing].sort().map((s) => ({ schema: s, reason: unavailable.get(s) as string })),
    unavailable: [...unavailable].sort().map(([schema, reason]) => ({ schema, reason })),
  };
  return { checked, indices, loaded: schemas.loaded, report };
}

interface BatchReport extends Report {
  children: (Report & { id: string | null })[];
}

type Validate = (data: unknown, config: Record<string, unknown>) => Promise<BatchReport>;

/**
 * Validate Catalogs, Collections and Items in one call (stac-node-validator compiles its schemas once per call, so
 * batching is what makes thousands of items cheap). Every object is first checked structurally by our own code;
 * then against the STAC schemas that can be had. Throws StacValidationError naming the first invalid object.
 */
export async function validateStac(
  given: object[],
  options: ValidationOptions = {},
): Promise<ValidationReport> {
  for (const o of given) {
    const errors = stacStructureErrors(o);
    if (errors.length) throw new StacValidationError(String((o as { id?: unknown }).id), errors);
  }
  const load =
    options.loadSchema ?? (options.schemasDir ? folderSchemaLoader(options.schemasDir) : undefined);
  let objects = given;
  let indices = given.map((_, i) => i);
  let report: ValidationReport = { uncheckedExtensions: [], uncheckedCore: [], unavailable: [] };
  const config: Record<string, unknown> = { loader: require("stac-node-validator/src/loader/node.js") };
  if (load) {
    const available = await withAvailableSchemas(given, load);
    ({ checked: objects, indices, report } = available);
    // the validator asks for schemas by URL; each was loaded above (a copy: it writes $id into what it gets)
    config.loader = async (url: string) => {
      const schema = available.loaded.get(url.replace(/#.*$/, ""));
      if (!schema) throw new Error(`schema ${url} was not loaded`);
      return structuredClone(schema);
    };
  }
  if (objects.length === 0) return report;
  const validate = require("stac-node-validator") as Validate;
  const result = await validate(objects, config);
  const children = result.children.length ? result.children : [result];
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
      String((given[indices[i] as number] as { id?: unknown } | undefined)?.id),
      errors.length ? errors : ["the validator skipped it"],
    );
  });
  return report;
}
