export * from "./layout.js";
export { readKerchunkParquet } from "./read.js";
export { type KerchunkParquetWriteOptions, writeKerchunkParquet } from "./write.js";
