import { NotFoundError } from "./errors.js";
import { HttpSource } from "./http.js";
import { parseHttpGlob } from "./http-glob.js";
import { listHttpFiles, mapLimit, withTimeout } from "./http-list.js";
import type { HttpOptions } from "./options.js";
import type { ObjectInfo, ObjectStore, ReadOptions } from "./types.js";

/** HEAD requests in flight at once while sizing the files a listing found. */
const SIZE_CONCURRENCY = 8;

/**
 * http:// and https://: ranged reads, and listing by glob through the servers' HTML directory indexes (see
 * http-list.ts; `?` starts the query string, it is no wildcard). No writes.
 */
export class HttpStore implements ObjectStore {
  readonly schemes = ["http", "https"] as const;

  constructor(private readonly options: HttpOptions = {}) {}

  open(url: string): HttpSource {
    return new HttpSource(url, this.options);
  }

  readAll(url: string, options?: ReadOptions): Promise<Uint8Array> {
    return this.open(url).readAll(options);
  }

  async *list(glob: string, options?: ReadOptions): AsyncIterable<ObjectInfo> {
    const signal = options?.signal;
    const parsed = parseHttpGlob(glob);
    if (parsed.kind === "literal") {
      // One object, or nothing when it is missing (as a key with no match lists nothing elsewhere); a path
      // ending in `/` is a folder, not an object.
      if (new URL(glob).pathname.endsWith("/")) return;
      try {
        yield { url: glob, ...(await this.identityOf(glob, signal)) };
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
      }
      return;
    }
    const urls = await listHttpFiles(parsed, this.options, signal);
    const found = await mapLimit(urls, SIZE_CONCURRENCY, (url) => this.identityOf(url, signal));
    for (const [i, url] of urls.entries()) yield { url, ...(found[i] ?? { size: 0 }) };
  }

  /** One HEAD per file: its size, ETag and Last-Modified. */
  private identityOf(url: string, signal?: AbortSignal) {
    return withTimeout(url, this.options.timeoutMs, signal, (combined) =>
      this.open(url).identity({ signal: combined }),
    );
  }
}
