import {
  decodeRecord,
  type ParquetRefsReader,
  type RecordColumns,
  readZmetadata,
  recordPath,
} from "../formats/index.js";
import type { ChunkRef, ReferenceSet } from "../model/index.js";
import { locateChunk } from "./chunk-locator.js";
import { ReferenceStore, type ReferenceStoreOptions } from "./zarrita-store.js";

const encoder = new TextEncoder();

export interface LazyParquetStoreOptions extends ReferenceStoreOptions {
  /** Record files kept decoded (default 32; each holds record_size references). */
  cacheRecords?: number;
}

/**
 * The chunk lookup of kerchunk Parquet references: record files are loaded on demand (as fsspec's
 * LazyReferenceMapper does) and a few kept decoded, so a set of any size is read with memory for a few records.
 */
class ParquetRecords {
  private readonly records = new Map<string, Promise<RecordColumns | undefined>>();
  private readonly loading = new Map<string, Promise<RecordColumns | undefined>>();

  constructor(
    private readonly reader: ParquetRefsReader,
    /** Metadata only: chunk tables stay on disk. */
    private readonly refs: ReferenceSet,
    private readonly recordSize: number,
    private readonly cacheRecords: number,
  ) {}

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
      while (this.records.size >= this.cacheRecords)
        this.records.delete(this.records.keys().next().value as string);
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
}

/** A ReferenceStore over kerchunk Parquet references, its chunk lookup the lazily loaded record files. */
export type LazyParquetStore = ReferenceStore;

export const LazyParquetStore = {
  async open(
    reader: ParquetRefsReader,
    options: LazyParquetStoreOptions,
    name?: string,
  ): Promise<ReferenceStore> {
    const { metadata, recordSize } = await readZmetadata(reader, name);
    const refs: ReferenceSet = { metadata, arrays: new Map() };
    const records = new ParquetRecords(reader, refs, recordSize, options.cacheRecords ?? 32);
    return new ReferenceStore(refs, options, (key) => records.chunkRef(key));
  },
};
