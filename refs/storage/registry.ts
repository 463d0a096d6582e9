/**
 * One entry point per operation, dispatching on the URL scheme: `openSource`, `storeFor`, `listObjects`,
 * `writeObject`, `createObject`, `deleteObject`. Plain paths (no `scheme://`) are local files.
 */
import { UnsupportedUrlError } from "./errors.js";
import { FileStore } from "./file-store.js";
import { GcsStore } from "./gcs-store.js";
import { HttpStore } from "./http-store.js";
import { type StackedSource, type StackOptions, withDefaults } from "./middleware/stack.js";
import type { StorageOptions } from "./options.js";
import { S3Store } from "./s3-store.js";
import type { ByteSource, ObjectInfo, ObjectStore, ReadOptions } from "./types.js";

type StoreFactory = (options: StorageOptions) => ObjectStore;

const factories = new Map<string, StoreFactory>([
  ["file", () => new FileStore()],
  ["http", (o) => new HttpStore(o.http)],
  ["https", (o) => new HttpStore(o.http)],
  ["s3", (o) => new S3Store(o.s3)],
  ["gs", (o) => new GcsStore(o.gcs)],
]);

/** Adds (or replaces) the store of a scheme, e.g. for tests or another protocol. */
export function registerStore(scheme: string, factory: StoreFactory): void {
  factories.set(scheme.toLowerCase(), factory);
  storeCache = new WeakMap();
}

/** `s3://b/k` -> "s3"; `/data/x.nc`, `x.nc` -> "file". */
export function schemeOf(url: string): string {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(url);
  return match ? (match[1] ?? "file").toLowerCase() : "file";
}

// Stores hold SDK clients: keep one per options object and scheme.
let storeCache = new WeakMap<StorageOptions, Map<string, ObjectStore>>();
const noOptions: StorageOptions = {};

export function storeFor(url: string, options: StorageOptions = noOptions): ObjectStore {
  const scheme = schemeOf(url);
  let perOptions = storeCache.get(options);
  if (!perOptions) {
    perOptions = new Map();
    storeCache.set(options, perOptions);
  }
  const cached = perOptions.get(scheme);
  if (cached) return cached;
  const factory = factories.get(scheme);
  if (!factory) {
    const known = [...factories.keys()].join(", ");
    throw new UnsupportedUrlError(url, `no store for scheme "${scheme}" (known: ${known})`);
  }
  const store = factory(options);
  perOptions.set(scheme, store);
  return store;
}

/** A plain source (no middleware: wrap it with withDefaults for cache, coalescing, retries and counting). */
export function openSource(url: string, options?: StorageOptions): ByteSource {
  return storeFor(url, options).open(url);
}

/**
 * A source with the usual middleware (see withDefaults), its per-request timeout taken from `http.timeoutMs`
 * when set: what a scan should read through. `stack` overrides any layer's options.
 */
export function openWithDefaults(url: string, options?: StorageOptions, stack?: StackOptions): StackedSource {
  const timeoutMs = options?.http?.timeoutMs;
  return withDefaults(openSource(url, options), { ...(timeoutMs ? { timeoutMs } : {}), ...stack });
}

/** Objects matching a glob such as `s3://bucket/era5/2022/**\/*.nc`, in lexical order. */
export function listObjects(
  glob: string,
  options?: StorageOptions,
  read?: ReadOptions,
): AsyncIterable<ObjectInfo> {
  return storeFor(glob, options).list(glob, read);
}

/** The whole object at `url` in one request (see ObjectStore.readAll); NotFoundError when there is none. */
export function readObject(url: string, options?: StorageOptions, read?: ReadOptions): Promise<Uint8Array> {
  return storeFor(url, options).readAll(url, read);
}

export async function writeObject(url: string, data: Uint8Array, options?: StorageOptions): Promise<void> {
  const store = storeFor(url, options);
  if (!store.write) throw new UnsupportedUrlError(url, `the ${schemeOf(url)} store cannot write`);
  await store.write(url, data);
}

/** Writes `data` only when no object exists at `url` (a conditional put): true when written. */
export async function createObject(
  url: string,
  data: Uint8Array,
  options?: StorageOptions,
): Promise<boolean> {
  const store = storeFor(url, options);
  if (!store.create) throw new UnsupportedUrlError(url, `the ${schemeOf(url)} store cannot create objects`);
  return store.create(url, data);
}

export async function deleteObject(url: string, options?: StorageOptions): Promise<void> {
  const store = storeFor(url, options);
  if (!store.delete) throw new UnsupportedUrlError(url, `the ${schemeOf(url)} store cannot delete`);
  await store.delete(url);
}
