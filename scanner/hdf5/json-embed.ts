import type { JsonObject, JsonValue } from "../../refs/model/reference-set.js";
import { UnsupportedFeatureError } from "../errors.js";
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

/** The raw stored bytes of a dataset without filters (contiguous or compact), for the few types kerchunk embeds. */
export async function rawDatasetBytes(
  file: HdfFile,
  info: DatasetInfo,
  count: number,
  object: string,
): Promise<Uint8Array | undefined> {
  const n = count * info.type.size;
  const layout = info.layout;
  if (layout.kind === "compact") return layout.data.subarray(0, n);
  if (layout.kind === "contiguous") {
    if (layout.address < 0) return undefined;
    return file.bytes(layout.address, n, "variable-length descriptors", object);
  }
  throw new UnsupportedFeatureError(file.url, object, "chunked variable-length strings");
}
