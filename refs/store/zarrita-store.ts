import type { AbsolutePath, AsyncReadable } from "@zarrita/storage";
import type { ChunkRef, ReferenceSet } from "../model/index.js";
import type { CoalesceOptions } from "../storage/index.js";
import { arrayMeta } from "./array-meta.js";
import { ChunkFetcher, type OpenSource } from "./chunk-bytes.js";
import { locateChunk } from "./chunk-locator.js";
import { ChunkReadError, ChunkSizeError } from "./errors.js";

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
    if (ref.kind === "inline") return this.checked(path, ref.data, undefined);
    let bytes: Uint8Array;
    try {
      bytes = await this.fetcher.bytes(ref);
    } catch (error) {
      throw new ChunkReadError(path, ref.url, (error as Error).message, { cause: error });
    }
    return this.checked(path, bytes, ref.url);
  }

  /**
   * zarrita views a chunk of any length: a short one reads as zeros past its end, a long one is cut. Where the
   * stored bytes are the decoded bytes (no compressor, no filters) their length is checked here; a compressed
   * chunk's decoded length is checked by readArray only (zarrita's codec pipeline has no hook for it).
   */
  private checked(key: string, bytes: Uint8Array, url: string | undefined): Uint8Array {
    const located = locateChunk(this.refs, key);
    if (!located) return bytes;
    const meta = arrayMeta(this.refs, located.arrayPath);
    if (meta.compressor || meta.filters.length > 0 || meta.dtype.kind === "O") return bytes;
    const expected = meta.chunks.reduce((a, b) => a * b, 1) * meta.dtype.itemsize;
    if (bytes.length === expected) return bytes;
    const layout = `${meta.chunks.join("x")} x ${meta.dtype.itemsize} bytes of ${meta.dtype.text}, uncompressed`;
    throw new ChunkSizeError(key, meta.path, expected, bytes.length, layout, { url });
  }

  /** Consolidated metadata, so zarrita can open every node with one read. */
  consolidated() {
    return { metadata: Object.fromEntries(this.refs.metadata), zarr_consolidated_format: 1 };
  }
}
