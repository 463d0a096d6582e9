export * from "./layout.js";
export { decodeRecord, readKerchunkParquet, readZmetadata } from "./read.js";
export { type KerchunkParquetWriteOptions, writeKerchunkParquet } from "./write.js";
