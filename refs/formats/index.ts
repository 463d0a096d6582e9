/** Reference file formats: kerchunk JSON (v0/v1) and kerchunk Parquet (fsspec LazyReferenceMapper layout). */
export { ReferenceFormatError } from "./errors.js";
export { type KerchunkJsonReadOptions, readKerchunkJson } from "./kerchunk-json-read.js";
export {
  type KerchunkJsonWriteOptions,
  writeKerchunkJson,
  writeKerchunkJsonParts,
} from "./kerchunk-json-write.js";
export * from "./kerchunk-parquet/index.js";
