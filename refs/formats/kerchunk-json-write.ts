import type { ChunkRef, ChunkTable, JsonObject, ReferenceSet } from "../model/index.js";
import { originalText } from "./metadata-text.js";
import { defaultIsFloat, pythonJson, pythonString } from "./python-json.js";

export interface KerchunkJsonWriteOptions {
  /** Replace URLs used by several chunks with `{{u}}`-style templates when that makes the file smaller (default true). */
  templates?: boolean;
  /**
   * "metadata-first" (default, as kerchunk's MultiZarrToZarr writes): every metadata document, then each array's
   * chunks in C order. "grouped" (as kerchunk's single-file scanners write): each group's or array's metadata
   * followed by that array's chunks.
   */
  keyOrder?: "metadata-first" | "grouped";
}

/** The whole file as one string (use writeKerchunkJsonParts for sets too large for one string). */
export function writeKerchunkJson(refs: ReferenceSet, options: KerchunkJsonWriteOptions = {}): string {
  return [...writeKerchunkJsonParts(refs, options)].join("");
}

function parentOf(key: string): string {
  const cut = key.lastIndexOf("/");
  return cut < 0 ? "" : key.slice(0, cut);
}

/** Serialise a metadata document as kerchunk does: compact, sorted keys, Python number formatting. */
export function metadataJson(key: string, doc: JsonObject): string {
  const original = originalText(doc);
  if (original !== undefined) return original;
  const dtype = key.endsWith(".zarray") && typeof doc.dtype === "string" ? doc.dtype : "";
  const floatFill = /^[<>|=]?[fc]/.test(dtype);
  return pythonJson(doc, {
    compact: true,
    sortKeys: true,
    isFloat: (v, path) => (floatFill && path[0] === "fill_value") || defaultIsFloat(v),
  });
}

/** Inline bytes: a plain string when ASCII (kerchunk's test), else "base64:...". */
export function inlineValue(data: Uint8Array): string {
  let ascii = true;
  for (let i = 0; i < data.length && ascii; i++) ascii = (data[i] as number) < 0x80;
  const text = ascii ? Buffer.from(data.buffer, data.byteOffset, data.length).toString("latin1") : "";
  if (ascii && !text.startsWith("base64:")) return text;
  return `base64:${Buffer.from(data.buffer, data.byteOffset, data.length).toString("base64")}`;
}

function chooseTemplates(refs: ReferenceSet): Map<string, string> {
  const counts = new Map<string, number>();
  for (const table of refs.arrays.values()) {
    const perPath = new Float64Array(table.paths.length);
    for (let i = 0; i < table.count; i++) {
      const p = table.pathIndex[i] as number;
      if (p >= 0) perPath[p] = (perPath[p] as number) + 1;
    }
    table.paths.forEach((url, p) => {
      counts.set(url, (counts.get(url) ?? 0) + (perPath[p] as number));
    });
  }
  const chosen = new Map<string, string>();
  for (const [url, n] of counts) {
    const name = chosen.size === 0 ? "u" : `u${chosen.size}`;
    const quoted = pythonString(url).length;
    const saved = n * (quoted - `"{{${name}}}"`.length);
    const cost = `"${name}": `.length + quoted + 2;
    if (saved > cost) chosen.set(url, name);
  }
  return chosen;
}

function refValue(ref: ChunkRef, templates: Map<string, string>): string {
  if (ref.kind === "inline") return pythonString(inlineValue(ref.data));
  const name = templates.get(ref.url);
  const url = pythonString(name ? `{{${name}}}` : ref.url);
  return ref.kind === "file" ? `[${url}]` : `[${url}, ${ref.offset}, ${ref.length}]`;
}

function* chunkEntries(refs: ReferenceSet, path: string, table: ChunkTable, templates: Map<string, string>) {
  const zarray = refs.metadata.get(path === "" ? ".zarray" : `${path}/.zarray`);
  const sep = typeof zarray?.dimension_separator === "string" ? zarray.dimension_separator : ".";
  const prefix = path === "" ? "" : `${path}/`;
  for (const flat of table.present()) {
    const ref = table.get(flat) as ChunkRef;
    const coords = table.coords(flat);
    const name = coords.length === 0 ? "0" : coords.join(sep);
    yield `${pythonString(prefix + name)}: ${refValue(ref, templates)}`;
  }
}

/** The file in pieces, in key order, so huge sets can be streamed to disk. */
export function* writeKerchunkJsonParts(
  refs: ReferenceSet,
  options: KerchunkJsonWriteOptions = {},
): Generator<string> {
  const templates = options.templates === false ? new Map<string, string>() : chooseTemplates(refs);
  yield '{"version": 1, ';
  if (templates.size > 0) {
    const entries = [...templates].map(([url, name]) => `${pythonString(name)}: ${pythonString(url)}`);
    yield `"templates": {${entries.join(", ")}}, `;
  }
  yield '"refs": {';
  let first = true;
  const sep = () => {
    const s = first ? "" : ", ";
    first = false;
    return s;
  };
  const meta = (key: string, doc: JsonObject) =>
    `${sep()}${pythonString(key)}: ${pythonString(metadataJson(key, doc))}`;
  const chunks = function* (path: string) {
    const table = refs.arrays.get(path);
    if (table) for (const entry of chunkEntries(refs, path, table, templates)) yield sep() + entry;
  };
  if (options.keyOrder === "grouped") {
    const groups = new Map<string, Array<[string, JsonObject]>>();
    for (const [key, doc] of refs.metadata) {
      const parent = parentOf(key);
      const docs = groups.get(parent) ?? [];
      docs.push([key, doc]);
      groups.set(parent, docs);
    }
    for (const [parent, docs] of groups) {
      for (const [key, doc] of docs) yield meta(key, doc);
      yield* chunks(parent);
    }
    for (const path of refs.arrays.keys()) if (!groups.has(path)) yield* chunks(path);
  } else {
    for (const [key, doc] of refs.metadata) yield meta(key, doc);
    for (const path of refs.arrays.keys()) yield* chunks(path);
  }
  yield "}}";
}
