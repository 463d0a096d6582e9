/** Reference file formats: kerchunk JSON (v0/v1) and kerchunk Parquet (fsspec LazyReferenceMapper layout). */
export { ReferenceFormatError } from "./errors.js";
export { type KerchunkJsonReadOptions, readKerchunkJson } from "./kerchunk-json-read.js";
export {
  type KerchunkJsonWriteOptions,
  metadataJson,
  writeKerchunkJson,
  writeKerchunkJsonParts,
} from "./kerchunk-json-write.js";
export * from "./kerchunk-parquet/layout.js";
export {
  decodeRecord,
  type RecordColumns,
  readKerchunkParquet,
  readZmetadata,
  zstdDecoder,
} from "./kerchunk-parquet/read.js";
export type { KerchunkParquetWriteOptions } from "./kerchunk-parquet/write.js";
export { integerLiteral, rememberText } from "./metadata-text.js";
export { parsePythonJson, pythonFloat } from "./python-json.js";

type WriteParquet = typeof import("./kerchunk-parquet/write.js").writeKerchunkParquet;

/** kerchunk Parquet references (see kerchunk-parquet/write.ts), loaded on first use: apache-arrow and parquet-wasm take about a second to load. */
export async function writeKerchunkParquet(...args: Parameters<WriteParquet>): ReturnType<WriteParquet> {
  return (await import("./kerchunk-parquet/write.js")).writeKerchunkParquet(...args);
}
