import {
  BlockCacheSource,
  type ByteSource,
  CoalescingSource,
  CountingSource,
  type SourceStats,
} from "../../refs/storage/index.js";

/** Bytes held for one scan at most: far above any file's metadata, a bound against hostile files. */
const MAX_CACHED_BYTES = 256 * 1024 * 1024;

/**
 * The HDF5 parser's view of a file: the storage middleware composed once, block cache -> coalescing -> counting
 * -> source, so the many small metadata reads of a scan become few range requests. Blocks missing at about the
 * same time (e.g. all nodes of one B-tree level) are fetched together: runs fewer than `mergeGap` blocks apart
 * become one request of at most `maxRun` blocks. `stats` are the requests and bytes that reached `source`.
 */
export class BlockReader {
  private readonly counter: CountingSource;
  private readonly cache: BlockCacheSource;

  constructor(
    readonly source: ByteSource,
    readonly fileSize: number,
    readonly blockSize = 4096,
    private readonly signal?: AbortSignal,
    mergeGap = 4,
    maxRun = 2048,
  ) {
    this.counter = new CountingSource(source);
    // gapBytes counts the bytes between two runs: mergeGap - 1 whole blocks, as runs mergeGap blocks apart
    const coalescer = new CoalescingSource(this.counter, {
      gapBytes: (mergeGap - 1) * blockSize,
      maxMergedBytes: maxRun * blockSize,
    });
    this.cache = new BlockCacheSource(coalescer, {
      blockSize,
      maxBytes: Math.max(MAX_CACHED_BYTES, blockSize),
      objectSize: fileSize,
    });
  }

  get stats(): SourceStats {
    return this.counter.stats;
  }

  /** `length` bytes at `offset` (callers check bounds: never past the end of the file). */
  read(offset: number, length: number): Promise<Uint8Array> {
    if (length === 0) return Promise.resolve(new Uint8Array(0));
    return this.cache.fetch(offset, length, { signal: this.signal });
  }
}
