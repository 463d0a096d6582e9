import type { AbsolutePath, AsyncReadable } from "@zarrita/storage";
import type { ReferenceSet } from "../model/index.js";
import { ChunkFetcher, type OpenSource } from "./chunk-bytes.js";
import { locateChunk } from "./chunk-locator.js";
import type { CoalesceOptions } from "./coalesce.js";
import { ChunkReadError } from "./errors.js";
import { RangeBatcher } from "./range-batcher.js";

export interface ReferenceStoreOptions {
  /** Opens a ByteSource for any URL the references name (file://, https://, s3://, gs://, ...). */
  open: OpenSource;
  coalesce?: CoalesceOptions;
}

const encoder = new TextEncoder();

/**
 * A zarrita store over a ReferenceSet (read from kerchunk JSON or Parquet): metadata documents come from the
 * set, chunk keys resolve to inline bytes, byte ranges (coalesced across concurrent reads) or whole objects.
 * A chunk without a reference reads as undefined, so zarrita fills it with the fill value.
 */
export class ReferenceStore implements AsyncReadable {
  private readonly fetcher: ChunkFetcher;
  private readonly batcher: RangeBatcher;

  constructor(
    readonly refs: ReferenceSet,
    options: ReferenceStoreOptions,
  ) {
    this.fetcher = new ChunkFetcher(options.open);
    this.batcher = new RangeBatcher(
      (url, offset, length) => this.fetcher.source(url).fetch(offset, length),
      options.coalesce,
    );
  }

  async get(key: AbsolutePath): Promise<Uint8Array | undefined> {
    const path = key.startsWith("/") ? key.slice(1) : key;
    const doc = this.refs.metadata.get(path);
    if (doc) return encoder.encode(JSON.stringify(doc));
    if (path === ".zmetadata") return encoder.encode(JSON.stringify(this.consolidated()));
    const located = locateChunk(this.refs, path);
    const ref = located?.table?.get(located.flat);
    if (!ref) return undefined;
    if (ref.kind === "inline") return ref.data;
    try {
      if (ref.kind === "file") return await this.fetcher.bytes(ref);
      return await this.batcher.read(ref.url, ref.offset, ref.length);
    } catch (error) {
      throw new ChunkReadError(path, ref.url, (error as Error).message, { cause: error });
    }
  }

  /** Consolidated metadata, so zarrita can open every node with one read. */
  consolidated() {
    return { metadata: Object.fromEntries(this.refs.metadata), zarr_consolidated_format: 1 };
  }
}
