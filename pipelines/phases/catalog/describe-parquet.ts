import { parquetMetadata, parquetRead, parquetSchema } from "hyparquet";
import { zstdDecoder } from "../../../refs/formats/index.js";

/** What the catalog says of one H3 Parquet file, read from the file itself so it is exact. */
export interface ParquetDescription {
  columns: { name: string; type: string }[];
  rows: number;
  /** Distinct H3 cells (hex) of the cell column. */
  cells: string[];
  cellColumn: string;
  /** [min, max] of the time column (ISO 8601), when there is one. */
  time?: [string, string];
  /** Per value column: min, max and mean over non-missing values. */
  stats: Record<string, { min: number; max: number; mean: number }>;
}

function typeName(element: {
  type?: string;
  logical_type?: { type?: string };
  converted_type?: string;
}): string {
  const logical = element.logical_type?.type;
  if (logical === "TIMESTAMP") return "timestamp";
  if (logical === "INTEGER" || element.converted_type === "UINT_64")
    return element.type === "INT64" ? "uint64" : "int32";
  if (element.type === "DOUBLE") return "float64";
  if (element.type === "FLOAT") return "float32";
  if (element.type === "INT64") return "int64";
  if (element.type === "INT32") return "int32";
  return (element.type ?? "binary").toLowerCase();
}

/** Describe an H3 Parquet file: schema, row count, distinct cells, time range and value statistics. */
export async function describeParquet(bytes: Uint8Array): Promise<ParquetDescription> {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const metadata = parquetMetadata(buffer);
  const fields = parquetSchema(metadata).children.map((c) => c.element);
  const columns = fields.map((f) => ({ name: f.name, type: typeName(f as never) }));
  const cellColumn = columns.find((c) => /^h\d+$/.test(c.name))?.name ?? "";
  const valueColumns = columns.filter(
    (c) => c.name !== cellColumn && c.name !== "time" && c.name !== "count",
  );
  const cells = new Set<string>();
  let tMin = Number.POSITIVE_INFINITY;
  let tMax = Number.NEGATIVE_INFINITY;
  const acc = new Map(valueColumns.map((c) => [c.name, { min: Infinity, max: -Infinity, sum: 0, n: 0 }]));
  const d = await zstdDecoder();
  await parquetRead({
    file: buffer,
    metadata,
    compressors: { ZSTD: (input, length) => d.decode(input, length) },
    onChunk: ({ columnName, columnData }) => {
      if (columnName === cellColumn) {
        for (let i = 0; i < columnData.length; i++) cells.add(BigInt(columnData[i] as bigint).toString(16));
      } else if (columnName === "time") {
        for (let i = 0; i < columnData.length; i++) {
          const v = columnData[i] as Date | bigint | number;
          const ms = v instanceof Date ? v.getTime() : Number(v) / 1000;
          if (ms < tMin) tMin = ms;
          if (ms > tMax) tMax = ms;
        }
      } else {
        const a = acc.get(columnName);
        if (!a) return;
        for (let i = 0; i < columnData.length; i++) {
          const v = Number(columnData[i]);
          if (columnData[i] === null || columnData[i] === undefined || Number.isNaN(v)) continue;
          if (v < a.min) a.min = v;
          if (v > a.max) a.max = v;
          a.sum += v;
          a.n++;
        }
      }
    },
  });
  const stats: ParquetDescription["stats"] = {};
  for (const [name, a] of acc) if (a.n > 0) stats[name] = { min: a.min, max: a.max, mean: a.sum / a.n };
  return {
    columns,
    rows: Number(metadata.num_rows),
    cells: [...cells].sort(),
    cellColumn,
    ...(Number.isFinite(tMin)
      ? { time: [new Date(tMin).toISOString(), new Date(tMax).toISOString()] as [string, string] }
      : {}),
    stats,
  };
}
