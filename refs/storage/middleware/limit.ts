import type { ByteSource, ReadOptions, SourceIdentity } from "../types.js";
import { currentIdentity } from "./identity-check.js";

/** A counting semaphore; one instance may be shared by many sources to bound requests across files. */
export class ConcurrencyLimit {
  active = 0;
  /** Highest `active` seen (tests and benchmarks read it). */
  peak = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly max: number) {
    if (!(max >= 1)) throw new RangeError(`concurrency limit must be at least 1, got ${max}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    this.peak = Math.max(this.peak, this.active);
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter, so `active` never overshoots.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/** At most `limit.max` calls in flight through the wrapped source at any time. */
export class LimitSource implements ByteSource {
  readonly limit: ConcurrencyLimit;

  constructor(
    readonly inner: ByteSource,
    limit: number | ConcurrencyLimit,
  ) {
    this.limit = typeof limit === "number" ? new ConcurrencyLimit(limit) : limit;
  }

  get url(): string {
    return this.inner.url;
  }

  size(options?: ReadOptions): Promise<number> {
    return this.limit.run(() => this.inner.size(options));
  }

  identity(options?: ReadOptions): Promise<SourceIdentity> {
    return this.limit.run(() => currentIdentity(this.inner, options));
  }

  fetch(offset: number, length: number, options?: ReadOptions): Promise<Uint8Array> {
    return this.limit.run(() => {
      options?.signal?.throwIfAborted();
      return this.inner.fetch(offset, length, options);
    });
  }
}
