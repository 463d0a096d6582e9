import type { JsonObject } from "../model/index.js";
import type { ArrayMeta } from "./array-meta.js";
import { CodecError, getCodec } from "./codecs/registry.js";
import { type ArrayData, decodeElements } from "./dtype.js";
import { ChunkReadError, ChunkSizeError } from "./errors.js";
import { decodeObjects, objectCodecIds } from "./object-codecs.js";

async function applyCodec(config: JsonObject, data: Uint8Array, key: string): Promise<Uint8Array> {
  const codec = await getCodec(config);
  try {
    return await codec.decode(data);
  } catch (error) {
    throw new CodecError(String(config.id), key, { cause: error });
  }
}

/**
 * Bytes of one chunk as stored -> the chunk's elements: the compressor's decode, then the filters' decodes in
 * reverse order. For "|O" arrays the first filter (last to run) is an object codec.
 */
export async function decodeChunk(
  meta: ArrayMeta,
  stored: Uint8Array,
  key: string,
  url?: string,
): Promise<ArrayData> {
  const count = meta.chunks.reduce((a, b) => a * b, 1);
  let data = stored;
  if (meta.compressor) data = await applyCodec(meta.compressor, data, key);
  const filters = [...meta.filters].reverse();
  const last = filters.at(-1);
  const objectCodec = last && objectCodecIds.has(String(last.id)) ? last : undefined;
  for (const filter of objectCodec ? filters.slice(0, -1) : filters)
    data = await applyCodec(filter, data, key);
  if (meta.dtype.kind === "O") {
    if (!objectCodec) {
      throw new ChunkReadError(
        key,
        undefined,
        `dtype |O needs an object codec (vlen-utf8, vlen-bytes, json2)`,
      );
    }
    const values = decodeObjects(objectCodec, data, count, key);
    if (values.length !== count) {
      throw new ChunkReadError(key, undefined, `holds ${values.length} objects, expected ${count}`);
    }
    return values;
  }
  const expected = count * meta.dtype.itemsize;
  // Never pad, cut or reinterpret: edge chunks are stored whole in Zarr v2 (kerchunk, our scanners), so any
  // other length means the references or the codec disagree with the .zarray.
  if (data.length !== expected) {
    const codecs = [meta.compressor, ...meta.filters].filter((c) => c).map((c) => String(c?.id));
    throw new ChunkSizeError(
      key,
      meta.path,
      expected,
      data.length,
      `${meta.chunks.join("x")} x ${meta.dtype.itemsize} bytes of ${meta.dtype.text}${codecs.length ? `, after ${codecs.join(", ")}` : ""}`,
      { url },
    );
  }
  return decodeElements(meta.dtype, data, count);
}
