import type { ChunkRef, JsonObject, JsonValue, ReferenceSet } from "../model/index.js";
import { isMetadataKey, SetBuilder } from "./build-set.js";
import { JsonSyntaxError, ReferenceFormatError } from "./errors.js";
import { rememberText } from "./metadata-text.js";
import { parsePythonJson } from "./python-json.js";
import { render, type Scope } from "./templates.js";

export interface KerchunkJsonReadOptions {
  /** Name of the file, for error messages. */
  file?: string;
}

type RawRef = JsonValue;

function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Parse kerchunk JSON (text or already-parsed) into a ReferenceSet. */
export function readKerchunkJson(
  input: string | JsonObject,
  options: KerchunkJsonReadOptions = {},
): ReferenceSet {
  const file = options.file;
  let doc: JsonValue;
  try {
    doc = typeof input === "string" ? parsePythonJson(input) : input;
  } catch (error) {
    throw new ReferenceFormatError(
      entryBeingRead(error),
      `not valid JSON: ${(error as Error).message}`,
      file,
      {
        cause: error,
      },
    );
  }
  if (!isObject(doc)) throw new ReferenceFormatError(undefined, "the top level must be a JSON object", file);
  const versioned = "version" in doc;
  if (versioned && doc.version !== 1) {
    throw new ReferenceFormatError("version", `unsupported version ${JSON.stringify(doc.version)}`, file);
  }
  const refs = versioned ? (doc.refs ?? {}) : doc;
  if (!isObject(refs)) throw new ReferenceFormatError("refs", "must be a JSON object", file);
  const templates = versioned ? (doc.templates ?? {}) : {};
  if (!isObject(templates)) throw new ReferenceFormatError("templates", "must be a JSON object", file);
  const scope: Scope = {};
  for (const [k, v] of Object.entries(templates)) scope[k] = String(v);

  const entries: Array<[string, RawRef]> = Object.entries(refs);
  if (versioned && doc.gen !== undefined) entries.push(...expandGen(doc.gen, scope, file));

  const builder = new SetBuilder(file);
  for (const [key, value] of entries) {
    if (isMetadataKey(key)) builder.addMetadata(key, metadataDoc(key, value, file));
  }
  for (const [key, value] of entries) {
    if (!isMetadataKey(key)) builder.addChunk(key, chunkRef(key, value, scope, file));
  }
  return builder.refs;
}

/** The reference key (an entry of "refs" in v1, of the top level in v0) whose value the syntax error is in. */
function entryBeingRead(error: unknown): string | undefined {
  if (!(error instanceof JsonSyntaxError)) return undefined;
  const path = error.path;
  // Between entries of "refs" no entry is being read: the message says after which one it broke.
  const key = path[0] === "refs" ? path[1] : path[0];
  return typeof key === "string" ? key : undefined;
}

function metadataDoc(key: string, value: RawRef, file: string | undefined): JsonObject {
  if (isObject(value)) return value;
  if (typeof value !== "string")
    throw new ReferenceFormatError(key, "metadata must be a JSON string or object", file);
  let doc: JsonValue;
  try {
    doc = parsePythonJson(value);
  } catch (error) {
    throw new ReferenceFormatError(key, `metadata is not valid JSON: ${(error as Error).message}`, file, {
      cause: error,
    });
  }
  if (!isObject(doc)) throw new ReferenceFormatError(key, "metadata must be a JSON object", file);
  rememberText(doc, value);
  return doc;
}

function renderUrl(key: string, url: string, scope: Scope, file: string | undefined): string {
  if (!url.includes("{{")) return url;
  try {
    return render(url, scope);
  } catch (error) {
    throw new ReferenceFormatError(key, `URL template: ${(error as Error).message}`, file, { cause: error });
  }
}

function chunkRef(key: string, value: RawRef, scope: Scope, file: string | undefined): ChunkRef {
  if (typeof value === "string") {
    const data = value.startsWith("base64:")
      ? Buffer.from(value.slice(7), "base64")
      : Buffer.from(value, "utf8");
    return { kind: "inline", data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  }
  if (!Array.isArray(value) || typeof value[0] !== "string") {
    throw new ReferenceFormatError(
      key,
      `expected "inline data", [url] or [url, offset, length], got ${JSON.stringify(value)?.slice(0, 80)}`,
      file,
    );
  }
  const url = renderUrl(key, value[0], scope, file);
  if (value.length === 1) return { kind: "file", url };
  const [, offset, length] = value;
  const ok = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
  if (value.length !== 3 || !ok(offset) || !ok(length)) {
    throw new ReferenceFormatError(
      key,
      `expected [url, offset, length] with non-negative integers, got ${JSON.stringify(value)}`,
      file,
    );
  }
  return { kind: "range", url, offset, length };
}

/** Expand v1 `gen` entries: each renders key/url/offset/length over the product of its dimensions. */
function expandGen(gen: JsonValue, templates: Scope, file: string | undefined): Array<[string, RawRef]> {
  if (!Array.isArray(gen)) throw new ReferenceFormatError("gen", "must be a list", file);
  const out: Array<[string, RawRef]> = [];
  gen.forEach((g, i) => {
    const where = `gen[${i}]`;
    if (!isObject(g) || typeof g.key !== "string" || typeof g.url !== "string" || !isObject(g.dimensions)) {
      throw new ReferenceFormatError(where, "needs key, url (strings) and dimensions (object)", file);
    }
    if ("offset" in g !== "length" in g)
      throw new ReferenceFormatError(where, "needs both offset and length, or neither", file);
    const dims = Object.entries(g.dimensions).map(([name, spec]): [string, Array<string | number>] => {
      if (Array.isArray(spec)) return [name, spec.map((v) => (typeof v === "number" ? v : String(v)))];
      if (!isObject(spec) || typeof spec.stop !== "number") {
        throw new ReferenceFormatError(
          where,
          `dimension "${name}" must be a list or {start, stop, step}`,
          file,
        );
      }
      const start = typeof spec.start === "number" ? spec.start : 0;
      const step = typeof spec.step === "number" ? spec.step : 1;
      if (step === 0) throw new ReferenceFormatError(where, `dimension "${name}" has step 0`, file);
      const values: number[] = [];
      for (let v = start; step > 0 ? v < spec.stop : v > spec.stop; v += step) values.push(v);
      return [name, values];
    });
    for (const combo of product(dims)) {
      const scope = { ...templates, ...combo };
      try {
        const key = render(g.key, scope);
        const url = render(g.url, scope);
        if ("offset" in g) {
          const offset = Number(render(String(g.offset), scope));
          const length = Number(render(String(g.length), scope));
          out.push([key, [url, offset, length]]);
        } else out.push([key, [url]]);
      } catch (error) {
        throw new ReferenceFormatError(where, (error as Error).message, file, { cause: error });
      }
    }
  });
  return out;
}

function* product(dims: Array<[string, Array<string | number>]>): Generator<Scope> {
  if (dims.length === 0) {
    yield {};
    return;
  }
  const [[name, values], ...rest] = dims as [
    [string, Array<string | number>],
    ...Array<[string, Array<string | number>]>,
  ];
  for (const v of values) for (const tail of product(rest)) yield { [name]: v, ...tail };
}
