/** DuckDB (@duckdb/node-api) as the independent reader of compute's hive-partitioned output. */
import { DuckDBInstance } from "@duckdb/node-api";

export async function duckQuery(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(":memory:");
  const connection = await db.connect();
  try {
    const reader = await connection.runAndReadAll(sql);
    return reader.getRowObjects() as Record<string, unknown>[];
  } finally {
    connection.closeSync();
  }
}

export function datasetSql(root: string, select = "*"): string {
  return `SELECT ${select} FROM read_parquet('${root}/**/*.parquet', hive_partitioning = true)`;
}

/** Column name -> DuckDB type of the dataset. */
export async function duckTypes(root: string): Promise<Record<string, string>> {
  const rows = await duckQuery(`DESCRIBE ${datasetSql(root)}`);
  return Object.fromEntries(rows.map((r) => [String(r.column_name), String(r.column_type)]));
}

/** Timestamps come back as objects with `micros`. */
export function micros(v: unknown): bigint | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === "object" && "micros" in (v as object)) return (v as { micros: bigint }).micros;
  throw new Error(`not a timestamp: ${String(v)}`);
}
