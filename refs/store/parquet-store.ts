import type { AbsolutePath, AsyncReadable } from "@zarrita/storage";
import {
  decodeRecord,
  type ParquetRefsReader,
  type RecordColumns,
  readZmetadata,
  recordPath,
} from "../formats/index.js";
import type { ChunkRef, ReferenceSet } from "../model/index.js";
import { ChunkFetcher } from "./chunk-bytes.js";
import { locateChunk } from "./chunk-locator.js";
import { ChunkReadError } from "./errors.js";
import { RangeBatcher } from "./range-batcher.js";
import type { ReferenceStoreOptions } from "./zarrita-store.js";

const encoder = new TextEncoder();

export interface LazyParquetStoreOptions extends ReferenceStoreOptions {
  /** Record files kept decoded (default 32; each holds record_size references). */
  cacheRecords?: number;
}

/**
 * A zarrita store over kerchunk Parquet references that loads record files on demand (as fsspec's
 * LazyReferenceMapper does), so a set of any size is read with memory for a few records only.
 */
export class LazyParquetStore implements AsyncReadable {
  private readonly records = new Map<string, Promise<RecordColumns | undefined>>();
  private readonly loading = new Map<string, Promise<RecordColumns | undefined>>();
  private readonly fetcher: ChunkFetcher;
  private readonly batcher: RangeBatcher;

  private constructor(
    private readonly reader: ParquetRefsReader,
    /** Metadata only: chunk tables stay on disk. */
    readonly refs: ReferenceSet,
    readonly recordSize: number,
    private readonly options: LazyParquetStoreOptions,
  ) {
    this.fetcher = new ChunkFetcher(options.open);
    this.batcher = new RangeBatcher(
      (url, offset, length) => this.fetcher.source(url).fetch(offset, length),
      options.coalesce,
    );
  }

  static async open(
    reader: ParquetRefsReader,
    options: LazyParquetStoreOptions,
    name?: string,
  ): Promise<LazyParquetStore> {
    const { metadata, recordSize } = await readZmetadata(reader, name);
    return new LazyParquetStore(reader, { metadata, arrays: new Map() }, recordSize, options);
  }

  private record(arrayPath: string, record: number): Promise<RecordColumns | undefined> {
    const file = recordPath(arrayPath, record);
    const cached = this.records.get(file);
    if (cached) {
      // Most recently used goes last; the first entry is evicted.
      this.records.delete(file);
      this.records.set(file, cached);
      return cached;
    }
    // zarrita asks for a selection's chunks all at once and not in C order: requests for a record still being
    // loaded share its load, so a small cache does not read the same record file once per chunk.
    const pending = this.loading.get(file);
    if (pending) return pending;
    const load = this.reader.read(file).then((bytes) => (bytes ? decodeRecord(bytes, file) : undefined));
    this.loading.set(file, load);
    const settle = () => {
      this.loading.delete(file);
      const limit = this.options.cacheRecords ?? 32;
      while (this.records.size >= limit) this.records.delete(this.records.keys().next().value as string);
      this.records.set(file, load);
    };
    load.then(settle, () => this.loading.delete(file));
    return load;
  }

  async chunkRef(key: string): Promise<ChunkRef | undefined> {
    const located = locateChunk(this.refs, key);
    if (!located) return undefined;
    const cols = await this.record(located.arrayPath, Math.floor(located.flat / this.recordSize));
    if (!cols) return undefined;
    const row = located.flat % this.recordSize;
    const raw = cols.raw?.[row];
    if (raw !== null && raw !== undefined)
      return { kind: "inline", data: typeof raw === "string" ? encoder.encode(raw) : raw };
    const url = cols.path[row];
    if (url === null || url === undefined) return undefined;
    const offset = Number(cols.offset[row] ?? 0);
    const length = Number(cols.size[row] ?? 0);
    return offset === 0 && length === 0 ? { kind: "file", url } : { kind: "range", url, offset, length };
  }

  async get(key: AbsolutePath): Promise<Uint8Array | undefined> {
    const path = key.startsWith("/") ? key.slice(1) : key;
    const doc = this.refs.metadata.get(path);
    if (doc) return encoder.encode(JSON.stringify(doc));
    if (path === ".zmetadata") {
      return encoder.encode(
        JSON.stringify({ metadata: Object.fromEntries(this.refs.metadata), zarr_consolidated_format: 1 }),
      );
    }
    const ref = await this.chunkRef(path);
    if (!ref) return undefined;
    if (ref.kind === "inline") return ref.data;
    try {
      if (ref.kind === "file") return await this.fetcher.bytes(ref);
      return await this.batcher.read(ref.url, ref.offset, ref.length);
    } catch (error) {
      throw new ChunkReadError(path, ref.url, (error as Error).message, { cause: error });
    }
  }
}
