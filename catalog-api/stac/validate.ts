import { createRequire } from "node:module";
import { StacValidationError } from "../errors.js";
import { folderSchemaLoader, type SchemaLoader } from "./schema-folder.js";
import { SchemaSet } from "./schema-set.js";
import { stacStructureErrors } from "./structure.js";

const require = createRequire(import.meta.url);

/**
 * stac-node-validator makes a new ajv on every call (index.js: `config.ajv = createAjv(config)`), so every call
 * compiles every schema again (seconds). Its createAjv is wrapped here, before index.js first takes it: a call
 * whose config carries a map under REUSED_AJV gets the map's ajv (made once, schemas compiled once). Without the
 * map, or should index.js have been loaded first, every call makes its own ajv as before: slower, never wrong.
 */
const REUSED_AJV = "refsReusedAjv";
const utils = require("stac-node-validator/src/utils.js") as {
  createAjv: (config: Record<string, unknown>, ajvClass?: unknown) => unknown;
};
const createAjv = utils.createAjv;
utils.createAjv = (config, ajvClass) => {
  const reused = config[REUSED_AJV] as Map<unknown, unknown> | undefined;
  if (!reused) return createAjv(config, ajvClass);
  const key = ajvClass ?? "draft-07";
  if (!reused.has(key)) reused.set(key, createAjv(config, ajvClass));
  return reused.get(key);
};

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
 * core schema cannot be had is not schema-validated at all. `unavailable` collects each such schema and why.
 */
async function withAvailableSchemas(objects: object[], schemas: SchemaSet, unavailable: Unavailable) {
  const checked: object[] = [];
  const indices: number[] = [];
  for (const [i, o] of objects.entries()) {
    const core = coreSchemaUrl(o);
    const coreWhy = await schemas.unavailable(core);
    if (coreWhy) {
      unavailable.all.set(core, coreWhy);
      unavailable.core.add(core);
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
        unavailable.extensions.add(u);
        unavailable.all.set(u, why);
      }
      if (missing.length) kept = { ...o, stac_extensions: declared.filter((u) => !missing.includes(u)) };
    }
    checked.push(kept);
    indices.push(i);
  }
  return { checked, indices };
}

interface Unavailable {
  all: Map<string, string>;
  core: Set<string>;
  extensions: Set<string>;
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
  const validator = new StacValidator(options);
  await validator.validate(given);
  return validator.report();
}

/**
 * Validation in batches (a catalog too big to hold at once): schemas are looked up and compiled once, on the first
 * batch that needs them, and reused by the next (stac-node-validator would compile them again on every call,
 * seconds each). `report` covers every batch validated so far.
 */
export class StacValidator {
  private readonly load: SchemaLoader | undefined;
  private readonly schemas: SchemaSet | undefined;
  private readonly unavailable: Unavailable = { all: new Map(), core: new Set(), extensions: new Set() };
  private readonly ajvs = new Map<unknown, unknown>();

  constructor(options: ValidationOptions = {}) {
    this.load =
      options.loadSchema ?? (options.schemasDir ? folderSchemaLoader(options.schemasDir) : undefined);
    this.schemas = this.load ? new SchemaSet(this.load) : undefined;
  }

  /** Throws StacValidationError naming the first invalid object of `given`. */
  async validate(given: object[]): Promise<void> {
    for (const o of given) {
      const errors = stacStructureErrors(o);
      if (errors.length) throw new StacValidationError(String((o as { id?: unknown }).id), errors);
    }
    let objects = given;
    let indices = given.map((_, i) => i);
    const config: Record<string, unknown> = {
      loader: require("stac-node-validator/src/loader/node.js"),
      [REUSED_AJV]: this.ajvs,
    };
    const schemas = this.schemas;
    if (schemas) {
      ({ checked: objects, indices } = await withAvailableSchemas(given, schemas, this.unavailable));
      // the validator asks for schemas by URL; each was loaded above (a copy: it writes $id into what it gets)
      config.loader = async (url: string) => {
        const schema = schemas.loaded.get(url.replace(/#.*$/, ""));
        if (!schema) throw new Error(`schema ${url} was not loaded`);
        return structuredClone(schema);
      };
    }
    if (objects.length === 0) return;
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
  }

  report(): ValidationReport {
    const u = this.unavailable;
    return {
      uncheckedExtensions: [...u.extensions].sort(),
      uncheckedCore: [...u.core].sort().map((s) => ({ schema: s, reason: u.all.get(s) as string })),
      unavailable: [...u.all].sort().map(([schema, reason]) => ({ schema, reason })),
    };
  }
}
