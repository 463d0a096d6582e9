/**
 * The byte-range interface every format module reads through. Format code never opens files or sockets:
 * it is handed a ByteSource. Middleware (cache, coalescing, retries, counting) wraps a source, never lives inside one.
 */
export interface ReadOptions {
  signal?: AbortSignal;
}

export interface ByteSource {
  /** The URL this source reads, as the user wrote it (used in error messages and references). */
  readonly url: string;
  /** Total size in bytes of the object. */
  size(options?: ReadOptions): Promise<number>;
  /**
   * Exactly `length` bytes starting at `offset`. A range reaching past the end of the object throws
   * RangeOutsideObjectError; a zero-length read returns an empty array. Never returns fewer bytes than asked.
   */
  fetch(offset: number, length: number, options?: ReadOptions): Promise<Uint8Array>;
  /**
   * What identifies this version of the object (one HEAD or stat, never cached): compared with what a scan
   * recorded, it tells whether the object was replaced since. Sources without it are checked by size only.
   */
  identity?(options?: ReadOptions): Promise<SourceIdentity>;
}

/**
 * One version of an object: its size and whatever its store says changes with every write (an S3/HTTP ETag, a
 * GCS generation, a modification time). Absent fields are unknown, not empty.
 */
export interface SourceIdentity {
  size: number;
  /** S3 or HTTP ETag, quotes included, as the server sent it. */
  etag?: string;
  /** GCS object generation (changes with every overwrite). */
  generation?: string;
  /** Last modification (local mtime, S3/HTTP Last-Modified, GCS updated), ISO 8601. */
  mtime?: string;
}

/**
 * One object found by listing, with what the listing says of its version (S3: ETag and LastModified, GCS:
 * generation, local files: mtime, HTTP: what a HEAD says), so a rescan can tell a replaced file without a request.
 */
export interface ObjectInfo extends SourceIdentity {
  url: string;
}

/** A URL scheme's backend: opens byte sources, lists by glob, writes whole objects. */
export interface ObjectStore {
  /** Schemes this store handles, without "://", e.g. ["s3"]. */
  readonly schemes: readonly string[];
  open(url: string): ByteSource;
  /**
   * The whole object in one request, with no Range and no size lookup first (a GET; a local file read once):
   * for small objects read whole, such as a project's files. A missing object throws NotFoundError.
   */
  readAll(url: string, options?: ReadOptions): Promise<Uint8Array>;
  /** Objects whose URL matches the glob (`*`, `**`, `?`, `[...]`, `{a,b}`), in lexical order. */
  list(glob: string, options?: ReadOptions): AsyncIterable<ObjectInfo>;
  /** Write a whole object (creating parent folders where the scheme has them). */
  write?(url: string, data: Uint8Array, options?: ReadOptions): Promise<void>;
  delete?(url: string, options?: ReadOptions): Promise<void>;
  /**
   * Write a whole object only if none exists under that URL, atomically against other writers: true when
   * written, false when an object was already there. See README.md for what each store guarantees.
   */
  create?(url: string, data: Uint8Array, options?: ReadOptions): Promise<boolean>;
}
