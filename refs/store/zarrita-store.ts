import type { AbsolutePath, AsyncReadable } from "@zarrita/storage";
import type { ChunkRef, ReferenceSet } from "../model/index.js";
import type { CoalesceOptions } from "../storage/index.js";
import { ChunkFetcher, type OpenSource } from "./chunk-bytes.js";
import { locateChunk } from "./chunk-locator.js";
import { ChunkReadError } from "./errors.js";

export interface ReferenceStoreOptions {
  /** Opens a ByteSource for any URL the references name (file://, https://, s3://, gs://, ...). */
  open: OpenSource;
  /** How ranges of one URL are merged (refs/storage's coalescing, once per source); false: not at all. */
  coalesce?: CoalesceOptions | false;
}

/** The reference of a chunk key ("t/0.0"), or undefined when the chunk has none. */
export type ChunkLookup = (key: string) => ChunkRef | undefined | Promise<ChunkRef | undefined>;

/** Chunk references from the chunk tables of an in-memory reference set. */
export function inMemoryLookup(refs: ReferenceSet): ChunkLookup {
  return (key) => {
    const located = locateChunk(refs, key);
    return located?.table?.get(located.flat);
  };
}

const encoder = new TextEncoder();

/**
 * A zarrita store over reference metadata and a chunk lookup (an in-memory ReferenceSet's tables by default;
 * LazyParquetStore supplies the lazy Parquet records'): metadata documents come from `refs`, chunk keys resolve
 * to inline bytes, byte ranges (merged across concurrent reads by the source's coalescing) or whole objects.
 * A chunk without a reference reads as undefined, so zarrita fills it with the fill value.
 */
export class ReferenceStore implements AsyncReadable {
  private readonly fetcher: ChunkFetcher;

  constructor(
    readonly refs: ReferenceSet,
    options: ReferenceStoreOptions,
    private readonly lookup: ChunkLookup = inMemoryLookup(refs),
  ) {
    this.fetcher = new ChunkFetcher(options.open, options.coalesce);
  }

  async get(key: AbsolutePath): Promise<Uint8Array | undefined> {
    const path = key.startsWith("/") ? key.slice(1) : key;
    const doc = this.refs.metadata.get(path);
    if (doc) return encoder.encode(JSON.stringify(doc));
    if (path === ".zmetadata") return encoder.encode(JSON.stringify(this.consolidated()));
    const ref = await this.lookup(path);
    if (!ref) return undefined;
    if (ref.kind === "inline") return ref.data;
    try {
      return await this.fetcher.bytes(ref);
    } catch (error) {
      throw new ChunkReadError(path, ref.url, (error as Error).message, { cause: error });
    }
  }

  /** Consolidated metadata, so zarrita can open every node with one read. */
  consolidated() {
    return { metadata: Object.fromEntries(this.refs.metadata), zarr_consolidated_format: 1 };
  }
}
