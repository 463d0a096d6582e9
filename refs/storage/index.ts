/** The public surface of refs/storage: sources, stores, the registry, middleware and errors. */
export * from "./errors.js";
export { FileSource, localPath } from "./file.js";
export { FileStore } from "./file-store.js";
export { globMatcher, splitGlob } from "./glob.js";
export { HttpSource } from "./http.js";
export { HttpStore } from "./http-store.js";
export { checkRange, MemorySource } from "./memory.js";
export { MemoryStore } from "./memory-store.js";
export { addStats, CountingSource, type SourceStats } from "./middleware/count.js";
export type { GcsOptions, HttpOptions, S3Options, StorageOptions } from "./options.js";
export {
  deleteObject,
  listObjects,
  openSource,
  registerStore,
  schemeOf,
  storeFor,
  writeObject,
} from "./registry.js";
export type { ByteSource, ObjectInfo, ObjectStore, ReadOptions } from "./types.js";
