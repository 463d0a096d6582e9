import {
  Binary,
  Dictionary,
  Int32,
  makeData,
  makeVector,
  Table,
  tableToIPC,
  Utf8,
  vectorFromArray,
} from "apache-arrow";
import type { ChunkTable, JsonObject, ReferenceSet } from "../../model/index.js";
import { defaultIsFloat, pythonJson } from "../python-json.js";
import { DEFAULT_RECORD_SIZE, type ParquetRefsWriter, recordCount, recordPath } from "./layout.js";

export interface KerchunkParquetWriteOptions {
  recordSize?: number;
}

type ParquetWasm = typeof import("parquet-wasm");
let wasm: Promise<ParquetWasm> | undefined;

/**
 * The columns of one record file (rows padded to the record size, as fsspec writes them). Paths are kept as
 * indexes into the table's deduplicated path list: they become a dictionary-encoded column (what fastparquet
 * writes for pandas' categorical paths) without a string per row.
 */
export function recordColumns(table: ChunkTable, record: number, recordSize: number) {
  const start = record * recordSize;
  const end = Math.min(start + recordSize, table.count);
  const pathIds = new Int32Array(recordSize).fill(-1);
  const offsets = new BigInt64Array(recordSize);
  const sizes = new BigInt64Array(recordSize);
  const raws = new Map<number, Uint8Array>();
  let present = 0;
  for (let flat = start; flat < end; flat++) {
    const p = table.pathIndex[flat] as number;
    if (p === -1) continue;
    present++;
    const row = flat - start;
    if (p === -2) {
      const data = table.inline.get(flat);
      if (data) raws.set(row, data);
      continue;
    }
    pathIds[row] = p;
    const length = table.lengths[flat] as number;
    if (length >= 0) {
      offsets[row] = BigInt(table.offsets[flat] as number);
      sizes[row] = BigInt(length);
    }
  }
  return { paths: table.paths, pathIds, offsets, sizes, raws, rows: recordSize, present };
}

type Columns = ReturnType<typeof recordColumns>;

/** Validity bitmap (LSB first) of rows where `valid(row)`; also the null count. */
function bitmap(rows: number, valid: (row: number) => boolean): { bits: Uint8Array; nulls: number } {
  const bits = new Uint8Array(Math.ceil(rows / 8));
  let nulls = 0;
  for (let row = 0; row < rows; row++) {
    if (valid(row)) bits[row >> 3] = (bits[row >> 3] as number) | (1 << (row & 7));
    else nulls++;
  }
  return { bits, nulls };
}

function pathVector(c: Columns) {
  // Only the paths this record uses go into its dictionary.
  const used = new Map<number, number>();
  const keys = new Int32Array(c.rows);
  for (let row = 0; row < c.rows; row++) {
    const p = c.pathIds[row] as number;
    if (p < 0) continue;
    let k = used.get(p);
    if (k === undefined) {
      k = used.size;
      used.set(p, k);
    }
    keys[row] = k;
  }
  const dictionary = vectorFromArray(
    [...used.keys()].map((p) => c.paths[p] as string),
    new Utf8(),
  );
  const type = new Dictionary(new Utf8(), new Int32());
  const { bits, nulls } = bitmap(c.rows, (row) => (c.pathIds[row] as number) >= 0);
  return makeVector(
    makeData({ type, length: c.rows, nullCount: nulls, nullBitmap: bits, data: keys, dictionary }),
  );
}

function rawVector(c: Columns) {
  const valueOffsets = new Int32Array(c.rows + 1);
  let total = 0;
  for (let row = 0; row < c.rows; row++) {
    total += c.raws.get(row)?.length ?? 0;
    valueOffsets[row + 1] = total;
  }
  const data = new Uint8Array(total);
  for (const [row, bytes] of c.raws) data.set(bytes, valueOffsets[row]);
  const { bits, nulls } = bitmap(c.rows, (row) => c.raws.has(row));
  return makeVector(
    makeData({ type: new Binary(), length: c.rows, nullCount: nulls, nullBitmap: bits, valueOffsets, data }),
  );
}

/** One record file's Parquet bytes (ZSTD, no statistics, like fsspec's writer). */
export async function encodeRecord(columns: Columns): Promise<Uint8Array> {
  wasm ??= import("parquet-wasm");
  const pq = await wasm;
  const arrow = new Table({
    path: pathVector(columns),
    offset: makeVector(columns.offsets),
    size: makeVector(columns.sizes),
    raw: rawVector(columns),
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
