/**
 * kerchunk JSON references, version 0 (a flat {key: value} object) and version 1 ({"version": 1, "templates",
 * "gen", "refs"}), read into a ReferenceSet and written back as kerchunk writes them.
 */
export { type KerchunkJsonReadOptions, readKerchunkJson } from "./kerchunk-json-read.js";
export { type KerchunkJsonWriteOptions, writeKerchunkJson } from "./kerchunk-json-write.js";
