import type { JsonObject } from "../../refs/model/index.js";
import { getCodec } from "../../refs/store/index.js";
import { UnsupportedFeatureError } from "../errors.js";
import type { HdfFile } from "./file.js";
import { shuffleEncode, zlibEncode } from "./json-embed.js";

/**
 * A chunk HDF5 stored with some filters skipped (bit i of the filter mask set = filter i not applied, e.g. a
 * compressor that would have grown an edge chunk). Zarr v2 applies one codec list to every chunk, so such a
 * chunk is re-encoded here with the dataset's whole pipeline and embedded: it then decodes like the others.
 * kerchunk references the stored bytes as they are, which then fail to decode (RC1 in the fixtures).
 */
export async function reencodeMaskedChunk(
  file: HdfFile,
  object: string,
  address: number,
  size: number,
  filterMask: number,
  codecs: JsonObject[],
): Promise<Uint8Array> {
  let bytes = await file.bytes(address, size, "chunk stored with filters skipped", object);
  for (let i = codecs.length - 1; i >= 0; i--) {
    if ((filterMask >> i) & 1) continue; // this filter was skipped when writing
    bytes = await (await getCodec(codecs[i] as JsonObject)).decode(bytes);
  }
  for (const config of codecs) bytes = await encode(file, object, config, bytes);
  return bytes;
}

async function encode(
  file: HdfFile,
  object: string,
  config: JsonObject,
  data: Uint8Array,
): Promise<Uint8Array> {
  if (config.id === "zlib") return zlibEncode(data, Number(config.level ?? 6));
  if (config.id === "shuffle") return shuffleEncode(data, Number(config.elementsize ?? 1));
  const codec = await getCodec(config);
  if (!codec.encode)
    throw new UnsupportedFeatureError(file.url, object, `re-encoding a chunk with ${String(config.id)}`);
  return codec.encode(data);
}
