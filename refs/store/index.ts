/** Reading through reference sets: readArray, the zarrita store, the codec registry. */
import "./codecs/index.js";

export { type ArrayMeta, arrayMeta, chunkGrid, chunkStoreKey, metaKey } from "./array-meta.js";
export { ChunkFetcher, type OpenSource } from "./chunk-bytes.js";
export { locateChunk } from "./chunk-locator.js";
export * from "./codecs/index.js";
export { type ArrayData, type Dtype, parseDtype } from "./dtype.js";
export { ArrayMetadataError, ChunkReadError, ChunkSizeError } from "./errors.js";
export { objectCodecIds } from "./object-codecs.js";
export { LazyParquetStore, type LazyParquetStoreOptions } from "./parquet-store.js";
export { type ArrayResult, pool, type ReadArrayOptions, readArray } from "./read-array.js";
export { registerCodecsWithZarrita } from "./zarrita-codecs.js";
export {
  type ChunkLookup,
  inMemoryLookup,
  ReferenceStore,
  type ReferenceStoreOptions,
} from "./zarrita-store.js";
