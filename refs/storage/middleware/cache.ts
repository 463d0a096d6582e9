import { checkRange } from "../memory.js";
import type { ByteSource, ReadOptions, SourceIdentity } from "../types.js";
import { currentIdentity } from "./identity-check.js";
import { raceSignal } from "./signal.js";

export interface CacheOptions {
  /** Bytes per cached block; reads are widened to whole blocks (default 64 KiB). */
  blockSize?: number;
  /**
   * A miss fetches the missing blocks of the aligned span of this many bytes around it (a multiple of blockSize,
   * default blockSize): one cache can keep small blocks yet make large requests where a format reads densely.
   */
  fetchBytes?: number;
  /** The cache never holds more than this many bytes (default 16 MiB). */
  maxBytes?: number;
  /** Reads longer than this bypass the cache, so chunk data does not evict metadata (default maxBytes / 4). */
  bypassBytes?: number;
  /** The object's size when the caller already knows it, so the cache asks for it no more. */
  objectSize?: number;
}

interface Block {
  bytes: Promise<Uint8Array>;
  length: number;
}

/** What may change on a cache in use (e.g. once a scan has detected the file's format). */
export type CacheTuning = Pick<CacheOptions, "fetchBytes" | "maxBytes" | "bypassBytes">;

/**
 * A bounded LRU cache of fixed-size blocks. Missing neighbouring blocks of one read (widened to `fetchBytes`
 * spans) are fetched in one inner request; concurrent readers of the same block share its request.
 */
export class BlockCacheSource implements ByteSource {
  readonly stats = { hits: 0, misses: 0, heldBytes: 0 };
  readonly blockSize: number;
  maxBytes: number;
  private bypassBytes: number;
  /** Blocks per aligned fetch span. */
  private spanBlocks = 1;
  // Map order is recency order: a hit moves the block to the end, eviction takes from the front.
  private readonly blocks = new Map<number, Block>();
  private sizePromise: Promise<number> | undefined;

  constructor(
    readonly inner: ByteSource,
    options: CacheOptions = {},
  ) {
    this.blockSize = options.blockSize ?? 64 * 1024;
    this.maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
    this.bypassBytes = options.bypassBytes ?? Math.floor(this.maxBytes / 4);
    if (options.objectSize !== undefined) this.sizePromise = Promise.resolve(options.objectSize);
    if (!(this.blockSize >= 1) || this.maxBytes < this.blockSize) {
      throw new RangeError(`cache needs blockSize >= 1 and maxBytes >= blockSize`);
    }
    this.tune({ fetchBytes: options.fetchBytes ?? this.blockSize });
  }

  /** Changes how later misses are fetched and how much is kept; blocks already held stay (down to maxBytes). */
  tune(tuning: CacheTuning): void {
    if (tuning.fetchBytes !== undefined) {
      const span = tuning.fetchBytes / this.blockSize;
      if (!Number.isInteger(span) || span < 1) {
        throw new RangeError(`cache fetchBytes ${tuning.fetchBytes} is not a multiple of ${this.blockSize}`);
      }
      this.spanBlocks = span;
    }
    if (tuning.maxBytes !== undefined) {
      if (tuning.maxBytes < this.blockSize) throw new RangeError("cache needs maxBytes >= blockSize");
      this.maxBytes = tuning.maxBytes;
      this.evict();
    }
    if (tuning.bypassBytes !== undefined) this.bypassBytes = tuning.bypassBytes;
  }

  get url(): string {
    return this.inner.url;
  }

  /** Never cached: it exists to see a new version of the object. */
  identity(options?: ReadOptions): Promise<SourceIdentity> {
    return currentIdentity(this.inner, options);
  }

  size(options?: ReadOptions): Promise<number> {
    if (!this.sizePromise) {
      this.sizePromise = this.inner.size();
      this.sizePromise.catch(() => {
        this.sizePromise = undefined;
      });
    }
    return raceSignal(this.sizePromise, options?.signal);
  }

  async fetch(offset: number, length: number, options?: ReadOptions): Promise<Uint8Array> {
    if (length > this.bypassBytes) return this.inner.fetch(offset, length, options);
    const size = await this.size(options);
    checkRange(this.url, offset, length, size);
    const out = new Uint8Array(length);
    if (length === 0) return out;
    const first = Math.floor(offset / this.blockSize);
    const last = Math.floor((offset + length - 1) / this.blockSize);
    const parts = this.blocksFor(first, last, size);
    const resolved = await raceSignal(Promise.all(parts), options?.signal);
    resolved.forEach((block, i) => {
      const blockStart = (first + i) * this.blockSize;
      const from = Math.max(offset, blockStart);
      const to = Math.min(offset + length, blockStart + block.length);
      out.set(block.subarray(from - blockStart, to - blockStart), from - offset);
    });
    return out;
  }

  /**
   * Promises of blocks first..last, starting one inner request per run of missing blocks in the aligned spans
   * around them (blocks of the span outside first..last are fetched for later reads, not returned).
   */
  private blocksFor(first: number, last: number, size: number): Promise<Uint8Array>[] {
    const parts: Promise<Uint8Array>[] = [];
    const from = Math.floor(first / this.spanBlocks) * this.spanBlocks;
    const lastInObject = Math.ceil(size / this.blockSize) - 1;
    const to = Math.min(lastInObject, (Math.floor(last / this.spanBlocks) + 1) * this.spanBlocks - 1);
    let runStart = -1;
    const flushRun = (runEnd: number) => {
      if (runStart < 0) return;
      const fetched = this.fetchRun(runStart, runEnd, size);
      for (let b = Math.max(runStart, first); b <= Math.min(runEnd, last); b++)
        parts[b - first] = fetched[b - runStart]!;
      runStart = -1;
    };
    for (let b = from; b <= to; b++) {
      const hit = this.blocks.get(b);
      if (hit) {
        flushRun(b - 1);
        if (b < first || b > last) continue;
        this.stats.hits++;
        this.blocks.delete(b);
        this.blocks.set(b, hit);
        parts[b - first] = hit.bytes;
      } else if (runStart < 0) {
        runStart = b;
      }
    }
    flushRun(to);
    return parts;
  }

  private fetchRun(runStart: number, runEnd: number, size: number): Promise<Uint8Array>[] {
    const start = runStart * this.blockSize;
    const end = Math.min(size, (runEnd + 1) * this.blockSize);
    const whole = this.inner.fetch(start, end - start);
    const out: Promise<Uint8Array>[] = [];
    for (let b = runStart; b <= runEnd; b++) {
      this.stats.misses++;
      const from = (b - runStart) * this.blockSize;
      const length = Math.min(this.blockSize, end - start - from);
      const bytes = whole.then((all) => all.slice(from, from + length));
      const block: Block = { bytes, length };
      // A failed block must be fetched again next time, not served as a failure.
      bytes.catch(() => this.forget(b, block));
      this.remember(b, block);
      out.push(bytes);
    }
    return out;
  }

  private remember(index: number, block: Block): void {
    this.blocks.set(index, block);
    this.stats.heldBytes += block.length;
    this.evict();
  }

  /** Drops the least recently used blocks until at most maxBytes are held. */
  private evict(): void {
    for (const [oldest, old] of this.blocks) {
      if (this.stats.heldBytes <= this.maxBytes) break;
      this.forget(oldest, old);
    }
  }

  private forget(index: number, block: Block): void {
    if (this.blocks.get(index) !== block) return;
    this.blocks.delete(index);
    this.stats.heldBytes -= block.length;
  }
}
