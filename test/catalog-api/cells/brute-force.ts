/**
 * The brute-force side of the cells tests: DuckDB reading every Parquet file under the project's h3 folder by its
 * own glob (no STAC pruning), with a table of the distinct cells' parents and centres computed by h3-js (DuckDB's
 * h3 extension cannot be downloaded here), so the hierarchy is h3-js's and not the API's bit arithmetic.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { cellToLatLng, cellToParent } from "h3-js";

export interface Brute {
  /** Rows of a query whose first column is a cell (UBIGINT); times (TIMESTAMPTZ) become RFC 3339 text. */
  rows(sql: string): Promise<string[][]>;
  /** Column names and DuckDB types of a query, or of a Parquet file's bytes. */
  types(query: string | Uint8Array): Promise<string[][]>;
  close(): void;
}

export const PARENT_RES = 3;

export async function bruteForce(h3Root: string, dir: string, cellColumn = "h5"): Promise<Brute> {
  const db = await DuckDBInstance.create(":memory:");
  const c: DuckDBConnection = await db.connect();
  const glob = join(h3Root, "**", "*.parquet").replaceAll("'", "''");
  await c.run(`CREATE VIEW data AS SELECT * FROM read_parquet('${glob}', hive_partitioning = false)`);
  const cells = (await c.runAndReadAll(`SELECT DISTINCT ${cellColumn} AS c FROM data`)).getRowObjects();
  const lines = ["cell,p3,lat,lng"];
  for (const r of cells) {
    const hex = (r.c as bigint).toString(16);
    const [lat, lng] = cellToLatLng(hex);
    lines.push(`${r.c},${BigInt(`0x${cellToParent(hex, PARENT_RES)}`)},${lat},${lng}`);
  }
  const csv = join(dir, "cells.csv");
  await writeFile(csv, lines.join("\n"));
  await c.run(
    `CREATE TABLE cells AS SELECT * FROM read_csv('${csv.replaceAll("'", "''")}', columns = {cell: 'UBIGINT', p3: 'UBIGINT', lat: 'DOUBLE', lng: 'DOUBLE'}, header = true)`,
  );
  let answers = 0;
  return {
    async rows(sql) {
      const reader = await c.runAndReadAll(sql);
      return reader.getRows().map((row) => row.map(text));
    },
    async types(query) {
      let from = query;
      if (typeof query !== "string") {
        const file = join(dir, `answer-${++answers}.parquet`);
        await writeFile(file, query);
        from = `SELECT * FROM read_parquet('${file.replaceAll("'", "''")}')`;
      }
      const reader = await c.runAndReadAll(`DESCRIBE ${from}`);
      return reader.getRowObjects().map((r) => [String(r.column_name), String(r.column_type)]);
    },
    close: () => c.closeSync(),
  };
}

function text(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "bigint") return v > 0xffffffffn ? v.toString(16).padStart(15, "0") : String(v);
  if (typeof v === "object" && "micros" in (v as object))
    return new Date(Number((v as { micros: bigint }).micros / 1000n)).toISOString();
  return String(v);
}
