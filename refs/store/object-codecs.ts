import { parsePythonJson } from "../formats/index.js";
import type { JsonObject } from "../model/index.js";
import { CodecError } from "./codecs/registry.js";

/**
 * Codecs that turn bytes into an object array ("|O" dtype): numcodecs vlen-utf8, vlen-bytes, json2. In a
 * filter list they come first, so they run last on decode.
 */
export const objectCodecIds = new Set(["vlen-utf8", "vlen-bytes", "json2", "json"]);

export function decodeObjects(config: JsonObject, bytes: Uint8Array, count: number, key: string): unknown[] {
  const id = String(config.id);
  try {
    if (id === "json2" || id === "json") return json(bytes, count);
    return vlen(bytes, id === "vlen-utf8");
  } catch (error) {
    throw new CodecError(id, key, { cause: error });
  }
}

/**
 * numcodecs JSON: the items (nested lists, one level per dimension of the chunk) followed by the dtype string
 * and the shape.
 */
function json(bytes: Uint8Array, count: number): unknown[] {
  const items = parsePythonJson(new TextDecoder().decode(bytes)) as unknown;
  if (!Array.isArray(items) || items.length < 2)
    throw new Error("expected a JSON list [...items, dtype, shape]");
  const shape = items.at(-1);
  const depth = Array.isArray(shape) ? Math.max(0, shape.length - 1) : 0;
  const values = items.slice(0, -2).flat(depth);
  if (values.length !== count) throw new Error(`holds ${values.length} items, expected ${count}`);
  return values;
}

/** numcodecs VLen*: uint32 item count, then per item a uint32 length and the bytes (all little-endian). */
function vlen(bytes: Uint8Array, text: boolean): unknown[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4) throw new Error(`chunk of ${bytes.length} bytes has no item count`);
  const n = view.getUint32(0, true);
  const out = new Array<unknown>(n);
  const decoder = new TextDecoder();
  let pos = 4;
  for (let i = 0; i < n; i++) {
    if (pos + 4 > bytes.length) throw new Error(`item ${i} of ${n}: length runs past the end`);
    const len = view.getUint32(pos, true);
    pos += 4;
    if (pos + len > bytes.length) throw new Error(`item ${i} of ${n}: ${len} bytes run past the end`);
    const item = bytes.subarray(pos, pos + len);
    out[i] = text ? decoder.decode(item) : item.slice();
    pos += len;
  }
  return out;
}
