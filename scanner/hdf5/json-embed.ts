import { deflateSync } from "node:zlib";
import type { JsonObject, JsonValue } from "../../refs/model/index.js";
import { type Codec, getCodec } from "../../refs/store/index.js";
import { UnsupportedFeatureError } from "../errors.js";
import { listChunks } from "./chunk-index/index.js";
import { type ChunkIndexContext, gridOf, unflatten } from "./chunk-index/types.js";
import type { DatasetInfo } from "./dataset.js";
import type { HdfFile } from "./file.js";

/** numcodecs' JSON codec ("json2") configuration exactly as kerchunk writes it. */
export const JSON_CODEC: JsonObject = {
  allow_nan: true,
  check_circular: true,
  encoding: "utf-8",
  ensure_ascii: true,
  id: "json2",
  indent: null,
  separators: [",", ":"],
  skipkeys: false,
  sort_keys: true,
  strict: true,
};

/** Python json.dumps(..., ensure_ascii=True, separators=(",", ":")) of a value. */
export function pythonJson(value: JsonValue): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** One chunk of an object array, encoded the way numcodecs' JSON codec does: [...values, "|O", shape]. */
export function encodeJsonChunk(values: JsonValue, chunkShape: readonly number[]): Uint8Array {
  const items: JsonValue[] = chunkShape.length === 0 ? [values] : [...(values as JsonValue[])];
  items.push("|O", [...chunkShape]);
  return new TextEncoder().encode(pythonJson(items));
}

/** zlib-compress an embedded chunk the way numcodecs.Zlib(level) does (kerchunk keeps a dataset's deflate). */
export function zlibEncode(data: Uint8Array, level: number): Uint8Array {
  return new Uint8Array(deflateSync(data, { level }));
}

/** numcodecs Shuffle.encode: byte i of every element together; trailing bytes that fill no element stay last. */
export function shuffleEncode(data: Uint8Array, elementSize: number): Uint8Array {
  if (elementSize <= 1) return data;
  const count = Math.floor(data.length / elementSize);
  const out = new Uint8Array(data.length);
  for (let e = 0; e < count; e++) {
    for (let b = 0; b < elementSize; b++) out[b * count + e] = data[e * elementSize + b] as number;
  }
  out.set(data.subarray(count * elementSize), count * elementSize);
  return out;
}

/** Raw element bytes of one stored piece of a dataset: the whole of it (compact/contiguous) or one chunk. */
export interface RawPiece {
  coords: number[];
  bytes: Uint8Array;
}

/**
 * The raw stored elements of a dataset kerchunk embeds (variable-length strings: 16-byte heap descriptors),
 * per chunk for chunked layouts, with the filter pipeline undone through the codec registry.
 */
export async function rawPieces(
  file: HdfFile,
  info: DatasetInfo,
  codecs: JsonObject[],
  object: string,
): Promise<RawPiece[]> {
  const shape = info.space.shape;
  const n = shape.reduce((a, b) => a * b, 1) * info.type.size;
  const layout = info.layout;
  const zero = shape.map(() => 0);
  if (layout.kind === "compact") return [{ coords: zero, bytes: layout.data.subarray(0, n) }];
  if (layout.kind === "contiguous") {
    if (layout.address < 0) return [];
    return [
      { coords: zero, bytes: await file.bytes(layout.address, n, "variable-length descriptors", object) },
    ];
  }
  if (layout.kind !== "chunked")
    throw new UnsupportedFeatureError(file.url, object, "virtual dataset layout");
  const ctx: ChunkIndexContext = {
    file,
    object,
    address: layout.address,
    index: layout.index,
    shape,
    maxShape: info.space.maxShape,
    chunk: layout.chunk,
    elementSize: layout.elementSize,
    filtered: info.filters.length > 0,
  };
  const decoders = await Promise.all(codecs.map((c) => getCodec(c)));
  const found: Array<[number, number, number]> = [];
  await listChunks(ctx, (flat, address, size, filterMask) => {
    if (filterMask !== 0)
      throw new UnsupportedFeatureError(file.url, object, "variable-length chunk with filters skipped");
    found.push([flat, address, size]);
  });
  const grid = gridOf(shape, layout.chunk);
  const out: RawPiece[] = [];
  for (const [flat, address, size] of found) {
    let bytes = await file.bytes(address, size, "variable-length chunk", object);
    for (let i = decoders.length - 1; i >= 0; i--) bytes = await (decoders[i] as Codec).decode(bytes);
    out.push({ coords: unflatten(flat, grid), bytes });
  }
  return out;
}
