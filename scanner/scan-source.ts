/**
 * The one read path of a scan: the file's source wrapped once, before format detection, in storage middleware
 * (block cache -> coalescing -> counting -> budget -> source), and every read of the scan (detection, headers,
 * structure, chunk indexes, inlined values) goes through it. Each format's scanner tunes how misses are fetched
 * (a ReadPlan) instead of adding a cache of its own, so no byte is cached twice and the counts are the scan's.
 */
import {
  BlockCacheSource,
  type ByteSource,
  CoalescingSource,
  CountingSource,
  currentIdentity,
  type ReadOptions,
  type SourceIdentity,
  type SourceStats,
} from "../refs/storage/index.js";
import { BudgetedSource, type ScanBudget } from "./budget.js";

/** How a format reads: the span a cache miss fetches, what the cache keeps, and how near ranges merge. */
export interface ReadPlan {
  /** Bytes a miss fetches (an aligned span, a multiple of BLOCK_BYTES). */
  fetchBytes: number;
  /** Bytes the cache holds at most. */
  maxBytes: number;
  /** Reads longer than this go around the cache. */
  bypassBytes: number;
  /** Ranges asked for at about the same time this close are merged into one request. */
  gapBytes: number;
  /** A merged request never spans more than this. */
  maxMergedBytes: number;
}

/** The cache's granularity: the smallest span any format fetches. */
export const BLOCK_BYTES = 4096;

/**
 * Until the format is known (and for NetCDF3): 64 KiB spans, so detection's 8 bytes fetch the header a scanner
 * reads next; ranges merge only when they touch.
 */
export const DETECT_PLAN: ReadPlan = {
  fetchBytes: 64 * 1024,
  maxBytes: 1024 * 1024,
  bypassBytes: 256 * 1024,
  gapBytes: 0,
  maxMergedBytes: 8 * 1024 * 1024,
};

/** A scan's source: one cache, one coalescer and one counter over the file. */
export class ScanSource implements ByteSource {
  readonly counter: CountingSource;
  private readonly cache: BlockCacheSource;
  private readonly coalescer: CoalescingSource;

  private constructor(
    readonly inner: ByteSource,
    budget: ScanBudget | undefined,
  ) {
    this.counter = new CountingSource(budget ? new BudgetedSource(inner, budget) : inner);
    this.coalescer = new CoalescingSource(this.counter, DETECT_PLAN);
    this.cache = new BlockCacheSource(this.coalescer, { blockSize: BLOCK_BYTES, ...DETECT_PLAN });
  }

  /**
   * `source` itself when it is already a scan's source (a scanner called by scanFile), else `source` wrapped
   * once, every read charged to `budget` (when given) before it is made.
   */
  static of(source: ByteSource, budget?: ScanBudget): ScanSource {
    return source instanceof ScanSource ? source : new ScanSource(source, budget);
  }

  /** Sets how later reads are fetched, kept and merged (a scanner calls it once, knowing its format). */
  plan(plan: ReadPlan): void {
    this.cache.tune(plan);
    this.coalescer.tune(plan);
  }

  get url(): string {
    return this.inner.url;
  }

  /** Requests and bytes that reached the wrapped source. */
  get stats(): SourceStats {
    return this.counter.stats;
  }

  size(options?: ReadOptions): Promise<number> {
    return this.cache.size(options);
  }

  fetch(offset: number, length: number, options?: ReadOptions): Promise<Uint8Array> {
    return this.cache.fetch(offset, length, options);
  }

  /** Never cached: it exists to see a new version of the object. */
  identity(options?: ReadOptions): Promise<SourceIdentity> {
    return currentIdentity(this.inner, options);
  }
}
