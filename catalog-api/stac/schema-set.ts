import { type SchemaLoader, schemaReferences } from "./schema-folder.js";

/** Meta-schemas the validator (ajv) carries itself: never loaded. */
const BUILT_IN = new Set(["http://json-schema.org/draft-07/schema"]);

/** Schemas loaded with everything they refer to, each looked up once. */
export class SchemaSet {
  /** Every schema loaded so far, by URL. */
  readonly loaded = new Map<string, object>();
  private readonly verdicts = new Map<string, Promise<string | undefined>>();

  constructor(private readonly load: SchemaLoader) {}

  /** Undefined when the schema and every document it refers to (transitively) can be had, else why not. */
  unavailable(url: string): Promise<string | undefined> {
    const known = this.verdicts.get(url);
    if (known) return known;
    const verdict = this.check(url);
    this.verdicts.set(url, verdict);
    return verdict;
  }

  private async check(url: string): Promise<string | undefined> {
    const found = await this.load(url);
    if ("missing" in found) return found.missing;
    this.loaded.set(url, found.schema);
    const id = (found.schema as { $id?: unknown }).$id;
    const refs = schemaReferences(found.schema, typeof id === "string" ? id : url).filter(
      (r) => !BUILT_IN.has(r),
    );
    for (const ref of refs) {
      const why = await this.unavailable(ref);
      if (why) return ref === url ? why : `${ref} (used by ${url}): ${why}`;
    }
    return undefined;
  }
}
