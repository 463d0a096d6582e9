import { parquetRead } from "hyparquet";
import { ZSTDDecoder } from "zstddec";
import type { JsonObject, JsonValue, ReferenceSet } from "../../model/index.js";
import { SetBuilder } from "../build-set.js";
import { ReferenceFormatError } from "../errors.js";
import { parsePythonJson } from "../python-json.js";
import { type ParquetRefsReader, recordCount, recordPath } from "./layout.js";

let zstd: Promise<ZSTDDecoder> | undefined;
/** One shared, initialised ZSTD decoder for hyparquet's `compressors` (ZSTD is what our Parquet files use). */
export async function zstdDecoder(): Promise<ZSTDDecoder> {
  zstd ??= (async () => {
    const decoder = new ZSTDDecoder();
    await decoder.init();
    return decoder;
  })();
  return zstd;
}

export interface RecordColumns {
  path: ArrayLike<string | null | undefined>;
  offset: ArrayLike<bigint | number | null | undefined>;
  size: ArrayLike<bigint | number | null | undefined>;
  raw: ArrayLike<Uint8Array | string | null | undefined> | undefined;
  rows: number;
}

/** Decode one record file's columns with hyparquet (ZSTD through zstddec; snappy, gzip built in). */
export async function decodeRecord(bytes: Uint8Array, name: string): Promise<RecordColumns> {
  const decoder = await zstdDecoder();
  const columns: Record<string, unknown[]> = {};
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  try {
    await parquetRead({
      file: buffer,
      utf8: false,
      compressors: { ZSTD: (input, length) => decoder.decode(input, length) },
      onChunk: ({ columnName, columnData, rowStart }) => {
        let target = columns[columnName];
        if (!target) {
          target = [];
          columns[columnName] = target;
        }
        for (let i = 0; i < columnData.length; i++) target[rowStart + i] = columnData[i];
      },
    });
  } catch (error) {
    throw new ReferenceFormatError(
      name,
      `not a readable Parquet file: ${(error as Error).message}`,
      undefined,
      { cause: error },
    );
  }
  const path = columns.path;
  const offset = columns.offset;
  const size = columns.size;
  if (!path || !offset || !size) throw new ReferenceFormatError(name, "needs columns path, offset and size");
  const text = new TextDecoder();
  const paths = path.map((p) =>
    p instanceof Uint8Array ? text.decode(p) : (p as string | null | undefined),
  );
  return {
    path: paths,
    offset: offset as RecordColumns["offset"],
    size: size as RecordColumns["size"],
    raw: columns.raw as RecordColumns["raw"],
    rows: path.length,
  };
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** .zmetadata of a kerchunk Parquet folder: the metadata documents and the record size. */
export async function readZmetadata(
  source: ParquetRefsReader,
  name?: string,
): Promise<{ metadata: Map<string, JsonObject>; recordSize: number }> {
  const bytes = await source.read(".zmetadata");
  if (!bytes)
    throw new ReferenceFormatError(".zmetadata", "missing: not a kerchunk Parquet reference folder", name);
  let doc: JsonValue;
  try {
    doc = parsePythonJson(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new ReferenceFormatError(".zmetadata", `not valid JSON: ${(error as Error).message}`, name, {
      cause: error,
    });
  }
  if (!isObject(doc) || !isObject(doc.metadata))
    throw new ReferenceFormatError(".zmetadata", 'needs a "metadata" object', name);
  const recordSize = doc.record_size;
  if (typeof recordSize !== "number" || !Number.isInteger(recordSize) || recordSize <= 0) {
    throw new ReferenceFormatError(
      ".zmetadata",
      `record_size must be a positive integer, got ${JSON.stringify(recordSize)}`,
      name,
    );
  }
  const metadata = new Map<string, JsonObject>();
  for (const [key, value] of Object.entries(doc.metadata)) {
    if (!isObject(value)) throw new ReferenceFormatError(key, "metadata must be a JSON object", name);
    metadata.set(key, value);
  }
  return { metadata, recordSize };
}

/** Read kerchunk Parquet references (as fsspec's LazyReferenceMapper writes them) into a ReferenceSet. */
export async function readKerchunkParquet(
  source: ParquetRefsReader,
  options: { name?: string } = {},
): Promise<ReferenceSet> {
  const name = options.name;
  const { metadata, recordSize } = await readZmetadata(source, name);
  const builder = new SetBuilder(name);
  for (const [key, value] of metadata) builder.addMetadata(key, value);
  for (const [path, table] of builder.refs.arrays) {
    for (let record = 0; record < recordCount(table.count, recordSize); record++) {
      const file = recordPath(path, record);
      const data = await source.read(file);
      if (!data) continue;
      const cols = await decodeRecord(data, file);
      const rows = Math.min(cols.rows, table.count - record * recordSize);
      for (let row = 0; row < rows; row++) {
        const flat = record * recordSize + row;
        const raw = cols.raw?.[row];
        if (raw !== null && raw !== undefined) {
          const data = typeof raw === "string" ? new TextEncoder().encode(raw) : raw;
          table.set(flat, { kind: "inline", data });
          continue;
        }
        const url = cols.path[row];
        if (url === null || url === undefined) continue;
        const offset = Number(cols.offset[row] ?? 0);
        const size = Number(cols.size[row] ?? 0);
        if (offset === 0 && size === 0) table.set(flat, { kind: "file", url });
        else table.setRange(flat, url, offset, size);
      }
    }
  }
  return builder.refs;
}
