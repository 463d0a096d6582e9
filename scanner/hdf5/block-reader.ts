import type { ByteSource, SourceStats } from "../../refs/storage/index.js";
import { BLOCK_BYTES, type ReadPlan, ScanSource } from "../scan-source.js";

/**
 * How HDF5 reads a large file: 4 KiB spans, because chunk-index nodes of older files lie scattered between chunks
 * (a 48 MB file with 6000 chunks in a v1 B-tree reads 0.67 MB with 4 KiB spans, 8.4 MB with 64 KiB spans); blocks
 * missing at about the same time (e.g. all nodes of one B-tree level) are fetched together when fewer than 4
 * blocks apart, in requests of at most 8 MiB; up to 256 MiB of metadata is kept (the scan budget bounds what is
 * read).
 */
export const HDF5_PLAN: ReadPlan = {
  fetchBytes: BLOCK_BYTES,
  maxBytes: 256 * 1024 * 1024,
  bypassBytes: 64 * 1024 * 1024,
  gapBytes: 3 * BLOCK_BYTES,
  maxMergedBytes: 2048 * BLOCK_BYTES,
};

/**
 * Files up to this size are read in 64 KiB spans: their metadata walk (object headers, heaps, B-tree nodes read
 * one after another) then costs a few round trips instead of one per 4 KiB block, for at most a few more bytes.
 */
export const HDF5_SMALL_FILE_BYTES = 16 * 1024 * 1024;

export const HDF5_SMALL_FILE_PLAN: ReadPlan = {
  ...HDF5_PLAN,
  fetchBytes: 16 * BLOCK_BYTES,
  gapBytes: 8 * BLOCK_BYTES,
};

/**
 * The HDF5 parser's view of a file: reads through the scan's one source (ScanSource: cache -> coalescing ->
 * counting), set to HDF5's read plan. It adds no cache of its own. `stats` are the requests and bytes that
 * reached the file.
 */
export class BlockReader {
  private readonly scan: ScanSource;

  constructor(
    source: ByteSource,
    readonly fileSize: number,
    private readonly signal?: AbortSignal,
  ) {
    this.scan = ScanSource.of(source);
    this.scan.plan(fileSize <= HDF5_SMALL_FILE_BYTES ? HDF5_SMALL_FILE_PLAN : HDF5_PLAN);
  }

  get stats(): SourceStats {
    return this.scan.stats;
  }

  /** `length` bytes at `offset` (callers check bounds: never past the end of the file). */
  read(offset: number, length: number): Promise<Uint8Array> {
    if (length === 0) return Promise.resolve(new Uint8Array(0));
    return this.scan.fetch(offset, length, { signal: this.signal });
  }
}
