import { identityChanges, SourceChangedError } from "../identity.js";
import type { ByteSource, ReadOptions, SourceIdentity } from "../types.js";

/**
 * Checks, before the first read, that the wrapped source is still the version `recorded` describes, and refuses
 * every read (SourceChangedError) when it is not. One identity request (HEAD or stat) per source for the life of
 * this wrapper, shared by concurrent first reads; a failed request is not kept, so the next read asks again.
 */
export class IdentityCheckedSource implements ByteSource {
  /** Identity requests made (tests assert one per source). */
  checks = 0;
  private verdict: Promise<void> | undefined;

  constructor(
    readonly inner: ByteSource,
    readonly recorded: SourceIdentity,
  ) {}

  get url(): string {
    return this.inner.url;
  }

  async size(options?: ReadOptions): Promise<number> {
    await this.check(options);
    return this.inner.size(options);
  }

  async fetch(offset: number, length: number, options?: ReadOptions): Promise<Uint8Array> {
    await this.check(options);
    return this.inner.fetch(offset, length, options);
  }

  identity(options?: ReadOptions): Promise<SourceIdentity> {
    return currentIdentity(this.inner, options);
  }

  private check(options?: ReadOptions): Promise<void> {
    if (!this.verdict) {
      this.checks++;
      this.verdict = currentIdentity(this.inner, options).then((found) => {
        const changes = identityChanges(this.recorded, found);
        if (changes.length > 0) throw new SourceChangedError(this.url, changes);
      });
      this.verdict.catch((error) => {
        if (!(error instanceof SourceChangedError)) this.verdict = undefined;
      });
    }
    return this.verdict;
  }
}

/** The source's identity, or its size alone where the source cannot say more. */
export async function currentIdentity(source: ByteSource, options?: ReadOptions): Promise<SourceIdentity> {
  if (source.identity) return source.identity(options);
  return { size: await source.size(options) };
}
