import { NotFoundError } from "./errors.js";
import { globMatcher, lexical } from "./glob.js";
import { MemorySource } from "./memory.js";
import type { ByteSource, ObjectInfo, ObjectStore, ReadOptions } from "./types.js";

/**
 * Objects held in a Map, under `memory://` URLs: for tests and for data generated on the fly. Not registered by
 * default; `registerStore("memory", () => store)` makes the registry use one.
 */
export class MemoryStore implements ObjectStore {
  readonly schemes = ["memory"] as const;
  readonly objects = new Map<string, Uint8Array>();
  /** Writes so far, per object: its generation (as GCS counts them). */
  private readonly generations = new Map<string, number>();

  open(url: string): ByteSource {
    const bytes = this.objects.get(url);
    return bytes ? new MemorySource(url, bytes, this.generations.get(url)) : new MissingSource(url);
  }

  async readAll(url: string): Promise<Uint8Array> {
    const bytes = this.objects.get(url);
    if (!bytes) throw new NotFoundError(url);
    return bytes.slice();
  }

  async *list(glob: string): AsyncIterable<ObjectInfo> {
    // Match keys without the scheme, so `//` is never read as glob syntax.
    const key = (url: string) => url.replace(/^memory:\/\//, "");
    const matches = globMatcher(key(glob));
    const urls = [...this.objects.keys()].filter((url) => matches(key(url))).sort(lexical);
    for (const url of urls) {
      const generation = this.generations.get(url);
      yield {
        url,
        size: this.objects.get(url)?.length ?? 0,
        ...(generation === undefined ? {} : { generation: String(generation) }),
      };
    }
  }

  async write(url: string, data: Uint8Array): Promise<void> {
    this.objects.set(url, data.slice());
    this.generations.set(url, (this.generations.get(url) ?? 0) + 1);
  }

  async create(url: string, data: Uint8Array): Promise<boolean> {
    if (this.objects.has(url)) return false;
    this.objects.set(url, data.slice());
    return true;
  }

  async delete(url: string): Promise<void> {
    this.objects.delete(url);
    this.generations.delete(url);
  }
}

/** Opening is lazy everywhere else too: a missing object fails on first use, naming its URL. */
class MissingSource implements ByteSource {
  constructor(readonly url: string) {}
  async size(_options?: ReadOptions): Promise<number> {
    throw new NotFoundError(this.url);
  }
  async fetch(): Promise<Uint8Array> {
    throw new NotFoundError(this.url);
  }
}
