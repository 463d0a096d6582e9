/** Reference file formats: kerchunk JSON (v0/v1) and kerchunk Parquet (fsspec LazyReferenceMapper layout). */
export { ReferenceFormatError } from "./errors.js";
export { type KerchunkJsonReadOptions, readKerchunkJson } from "./kerchunk-json-read.js";
export {
  type KerchunkJsonWriteOptions,
  metadataJson,
  writeKerchunkJson,
  writeKerchunkJsonParts,
} from "./kerchunk-json-write.js";
export * from "./kerchunk-parquet/index.js";
export { type RecordColumns, zstdDecoder } from "./kerchunk-parquet/read.js";
export { integerLiteral, rememberText } from "./metadata-text.js";
export { parsePythonJson, pythonFloat } from "./python-json.js";
