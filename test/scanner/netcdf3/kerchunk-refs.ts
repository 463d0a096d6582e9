/**
 * Test helper: kerchunk JSON v1 (as the fixtures hold it) and our ReferenceSet flattened to one comparable shape:
 * metadata documents parsed, chunk keys -> [offset, length] or inline bytes.
 */
import { readFileSync } from "node:fs";
import { chunkKey, type JsonObject, type ReferenceSet } from "../../../refs/model/reference-set.js";

export type FlatRef = { offset: number; length: number } | { inline: Uint8Array };

export interface FlatRefs {
  metadata: Map<string, JsonObject>;
  chunks: Map<string, FlatRef>;
}

const META = /(^|\/)\.z(array|attrs|group)$/;

export function readKerchunk(path: string): FlatRefs {
  const doc = JSON.parse(readFileSync(path, "utf8")) as { refs: Record<string, unknown> };
  const out: FlatRefs = { metadata: new Map(), chunks: new Map() };
  for (const [key, value] of Object.entries(doc.refs)) {
    if (META.test(key)) out.metadata.set(key, JSON.parse(value as string) as JsonObject);
    else if (Array.isArray(value))
      out.chunks.set(key, { offset: Number(value[1]), length: Number(value[2]) });
    else if (typeof value === "string") {
      const inline = value.startsWith("base64:")
        ? new Uint8Array(Buffer.from(value.slice(7), "base64"))
        : new TextEncoder().encode(value);
      out.chunks.set(key, { inline });
    }
  }
  return out;
}

export function flatten(refs: ReferenceSet): FlatRefs {
  const out: FlatRefs = { metadata: new Map(refs.metadata), chunks: new Map() };
  for (const [path, table] of refs.arrays) {
    for (const flat of table.present()) {
      const ref = table.get(flat);
      const key = `${path ? `${path}/` : ""}${chunkKey(table.coords(flat))}`;
      if (ref?.kind === "range") out.chunks.set(key, { offset: ref.offset, length: ref.length });
      else if (ref?.kind === "inline") out.chunks.set(key, { inline: ref.data });
    }
  }
  return out;
}
