import { UnsupportedUrlError } from "./errors.js";
import { HttpSource } from "./http.js";
import type { HttpOptions } from "./options.js";
import type { ObjectInfo, ObjectStore, ReadOptions } from "./types.js";

/** http:// and https://: reads only. HTTP has no listing, so a "glob" must name exactly one URL. */
export class HttpStore implements ObjectStore {
  readonly schemes = ["http", "https"] as const;

  constructor(private readonly options: HttpOptions = {}) {}

  open(url: string): HttpSource {
    return new HttpSource(url, this.options);
  }

  async *list(glob: string, options?: ReadOptions): AsyncIterable<ObjectInfo> {
    // `?` starts a query string in a URL, so only `*`, `[...]`, `{...}` before it count as wildcards here.
    const path = glob.split(/[?#]/)[0] ?? glob;
    if (/[*[\]{}]/.test(path)) {
      throw new UnsupportedUrlError(
        glob,
        "HTTP cannot list objects, so wildcards are not supported; name each URL",
      );
    }
    yield { url: glob, size: await this.open(glob).size(options) };
  }
}
