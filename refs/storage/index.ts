/** The public surface of refs/storage: sources, stores, the registry, middleware and errors. */

export { parseBucketUrl } from "./bucket-url.js";
export * from "./errors.js";
export { FileSource, localPath } from "./file.js";
export { FileStore } from "./file-store.js";
export { createGcsClient, GcsSource } from "./gcs.js";
export { GcsStore } from "./gcs-store.js";
export { globMatcher, splitGlob } from "./glob.js";
export { HttpSource } from "./http.js";
export { HttpStore } from "./http-store.js";
export { type IdentityChange, identityChanges, SourceChangedError } from "./identity.js";
export { checkRange, MemorySource } from "./memory.js";
export { MemoryStore } from "./memory-store.js";
export { BlockCacheSource, type CacheOptions, type CacheTuning } from "./middleware/cache.js";
export { type CoalesceOptions, CoalescingSource } from "./middleware/coalesce.js";
export { addStats, CountingSource, type SourceStats } from "./middleware/count.js";
export { currentIdentity, IdentityCheckedSource } from "./middleware/identity-check.js";
export { ConcurrencyLimit, LimitSource } from "./middleware/limit.js";
export { isRetryable, type RetryOptions, RetrySource } from "./middleware/retry.js";
export { StackedSource, type StackOptions, withDefaults } from "./middleware/stack.js";
export { TimeoutSource } from "./middleware/timeout.js";
export type { GcsOptions, HttpOptions, S3Options, StorageOptions } from "./options.js";
export {
  createObject,
  deleteObject,
  listObjects,
  openSource,
  openWithDefaults,
  readObject,
  registerStore,
  schemeOf,
  storeFor,
  writeObject,
} from "./registry.js";
export { createS3Client, S3Source } from "./s3.js";
export { S3Store } from "./s3-store.js";
export type { ByteSource, ObjectInfo, ObjectStore, ReadOptions, SourceIdentity } from "./types.js";
