import { Binary, makeVector, Table, tableToIPC, Utf8, vectorFromArray } from "apache-arrow";
import type { ChunkTable, JsonObject, ReferenceSet } from "../../model/reference-set.js";
import { defaultIsFloat, pythonJson } from "../python-json.js";
import { DEFAULT_RECORD_SIZE, type ParquetRefsWriter, recordCount, recordPath } from "./layout.js";

export interface KerchunkParquetWriteOptions {
  recordSize?: number;
}

type ParquetWasm = typeof import("parquet-wasm");
let wasm: Promise<ParquetWasm> | undefined;

/** The columns of one record file (rows padded to the record size, as fsspec writes them). */
export function recordColumns(table: ChunkTable, record: number, recordSize: number) {
  const start = record * recordSize;
  const end = Math.min(start + recordSize, table.count);
  const paths = new Array<string | null>(recordSize).fill(null);
  const offsets = new BigInt64Array(recordSize);
  const sizes = new BigInt64Array(recordSize);
  const raws = new Array<Uint8Array | null>(recordSize).fill(null);
  let present = 0;
  for (let flat = start; flat < end; flat++) {
    const p = table.pathIndex[flat] as number;
    if (p === -1) continue;
    present++;
    const row = flat - start;
    if (p === -2) {
      raws[row] = table.inline.get(flat) ?? null;
      continue;
    }
    paths[row] = table.paths[p] as string;
    const length = table.lengths[flat] as number;
    if (length >= 0) {
      offsets[row] = BigInt(table.offsets[flat] as number);
      sizes[row] = BigInt(length);
    }
  }
  return { paths, offsets, sizes, raws, present };
}

/** One record file's Parquet bytes (ZSTD, no statistics, like fsspec's writer). */
export async function encodeRecord(columns: ReturnType<typeof recordColumns>): Promise<Uint8Array> {
  wasm ??= import("parquet-wasm");
  const pq = await wasm;
  const arrow = new Table({
    path: vectorFromArray(columns.paths, new Utf8()),
    offset: makeVector(columns.offsets),
    size: makeVector(columns.sizes),
    raw: vectorFromArray(columns.raws, new Binary()),
  });
  const props = new pq.WriterPropertiesBuilder()
    .setCompression(pq.Compression.ZSTD)
    .setStatisticsEnabled(pq.EnabledStatistics.None)
    .build();
  const table = pq.Table.fromIPCStream(tableToIPC(arrow, "stream"));
  return pq.writeParquet(table, props);
}

/** .zmetadata as Python's json.dumps writes it. */
export function zmetadataJson(refs: ReferenceSet, recordSize: number): string {
  const metadata: JsonObject = {};
  for (const [key, doc] of refs.metadata) metadata[key] = doc;
  const floatFill = new Set(
    [...refs.metadata]
      .filter(([k, d]) => k.endsWith(".zarray") && /^[<>|=]?[fc]/.test(String(d.dtype)))
      .map(([k]) => k),
  );
  return pythonJson(
    { metadata, record_size: recordSize },
    {
      isFloat: (v, path) =>
        (path[2] === "fill_value" && floatFill.has(path[1] as string)) || defaultIsFloat(v),
    },
  );
}

/**
 * Write a reference set as kerchunk Parquet, one record file at a time: memory holds one record's columns, not
 * the set's. Returns the number of record files written.
 */
export async function writeKerchunkParquet(
  refs: ReferenceSet,
  out: ParquetRefsWriter,
  options: KerchunkParquetWriteOptions = {},
): Promise<number> {
  const recordSize = options.recordSize ?? DEFAULT_RECORD_SIZE;
  let files = 0;
  for (const [path, table] of refs.arrays) {
    for (let record = 0; record < recordCount(table.count, recordSize); record++) {
      const columns = recordColumns(table, record, recordSize);
      if (columns.present === 0) continue;
      await out.write(recordPath(path, record), await encodeRecord(columns));
      files++;
    }
  }
  await out.write(".zmetadata", new TextEncoder().encode(zmetadataJson(refs, recordSize)));
  return files;
}
