import type { ByteSource, ReadOptions, SourceIdentity } from "../types.js";
import { BlockCacheSource, type CacheOptions } from "./cache.js";
import { type CoalesceOptions, CoalescingSource } from "./coalesce.js";
import { CountingSource, type SourceStats } from "./count.js";
import { currentIdentity } from "./identity-check.js";
import { type ConcurrencyLimit, LimitSource } from "./limit.js";
import { type RetryOptions, RetrySource } from "./retry.js";
import { TimeoutSource } from "./timeout.js";

/** Each layer's options, or false to leave it out. */
export interface StackOptions {
  cache?: CacheOptions | false;
  coalesce?: CoalesceOptions | false;
  retry?: RetryOptions | false;
  /** Requests in flight at once: a number, or a ConcurrencyLimit shared with other sources (default 16). */
  concurrency?: number | ConcurrencyLimit | false;
  /** Per-request time limit (default 30 s). */
  timeoutMs?: number | false;
}

/**
 * A source wrapped in the usual middleware, outermost first:
 *   cache -> coalesce -> retry -> limit -> timeout -> count -> source.
 * Coalescing merges the cache's block requests; retries sit above the limit so backoff sleeps hold no slot, and
 * above the timeout so each attempt gets its own time; counting sits on the source, so `stats` are the network
 * requests and bytes (every attempt included).
 */
export class StackedSource implements ByteSource {
  readonly counter: CountingSource;
  readonly retry: RetrySource | undefined;
  readonly cache: BlockCacheSource | undefined;
  readonly coalescer: CoalescingSource | undefined;
  private readonly outer: ByteSource;

  constructor(source: ByteSource, options: StackOptions = {}) {
    this.counter = new CountingSource(source);
    let layer: ByteSource = this.counter;
    const timeoutMs = options.timeoutMs ?? 30_000;
    if (timeoutMs !== false) layer = new TimeoutSource(layer, timeoutMs);
    const concurrency = options.concurrency ?? 16;
    if (concurrency !== false) layer = new LimitSource(layer, concurrency);
    if (options.retry !== false) layer = this.retry = new RetrySource(layer, options.retry);
    if (options.coalesce !== false) layer = this.coalescer = new CoalescingSource(layer, options.coalesce);
    if (options.cache !== false) layer = this.cache = new BlockCacheSource(layer, options.cache);
    this.outer = layer;
  }

  get url(): string {
    return this.outer.url;
  }

  /** Network requests and bytes so far. */
  get stats(): SourceStats & { retries: number } {
    return { ...this.counter.stats, retries: this.retry?.retries ?? 0 };
  }

  size(options?: ReadOptions): Promise<number> {
    return this.outer.size(options);
  }

  fetch(offset: number, length: number, options?: ReadOptions): Promise<Uint8Array> {
    return this.outer.fetch(offset, length, options);
  }

  /** Through retries, the limit, the timeout and the counter; never cached. */
  identity(options?: ReadOptions): Promise<SourceIdentity> {
    return currentIdentity(this.outer, options);
  }
}

/** `source` with cache, coalescing, retries, a concurrency limit, a timeout and counting (see StackedSource). */
export function withDefaults(source: ByteSource, options?: StackOptions): StackedSource {
  return new StackedSource(source, options);
}
