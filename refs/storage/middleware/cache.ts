import { checkRange } from "../memory.js";
import type { ByteSource, ReadOptions, SourceIdentity } from "../types.js";
import { currentIdentity } from "./identity-check.js";
import { raceSignal } from "./signal.js";

export interface CacheOptions {
  /** Bytes per cached block; reads are widened to whole blocks (default 64 KiB). */
  blockSize?: number;
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

/**
 * A bounded LRU cache of fixed-size blocks. Missing neighbouring blocks of one read are fetched in one inner
 * request; concurrent readers of the same block share its request.
 */
export class BlockCacheSource implements ByteSource {
  readonly stats = { hits: 0, misses: 0, heldBytes: 0 };
  readonly blockSize: number;
  readonly maxBytes: number;
  private readonly bypassBytes: number;
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

  /** Promises of blocks first..last, starting one inner request per run of missing blocks. */
  private blocksFor(first: number, last: number, size: number): Promise<Uint8Array>[] {
    const parts: Promise<Uint8Array>[] = [];
    let runStart = -1;
    const flushRun = (runEnd: number) => {
      if (runStart < 0) return;
      const fetched = this.fetchRun(runStart, runEnd, size);
      for (let b = runStart; b <= runEnd; b++) parts[b - first] = fetched[b - runStart]!;
      runStart = -1;
    };
    for (let b = first; b <= last; b++) {
      const hit = this.blocks.get(b);
      if (hit) {
        flushRun(b - 1);
        this.stats.hits++;
        this.blocks.delete(b);
        this.blocks.set(b, hit);
        parts[b - first] = hit.bytes;
      } else if (runStart < 0) {
        runStart = b;
      }
    }
    flushRun(last);
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
