/**
 * How each SQL dialect the catalog compiles CQL2 for binds a literal: every value is a bound parameter (`?`), typed
 * so that the database never casts a client's text. SQLite and PostgreSQL (the catalog stores, times as epoch ms)
 * take plain values; DuckDB (the cells' Parquet, times as TIMESTAMPTZ) takes typed values (cells/duckdb-runner.ts).
 */
import { type Fragment, sql } from "../backend/sql.js";

export type SqlDialectName = "sqlite" | "postgres" | "duckdb";

/** A value bound for DuckDB, with the type it is bound as. */
export type DuckLiteral =
  | { type: "double"; value: number }
  | { type: "timestamptz"; micros: bigint }
  | { type: "varchar"; value: string };

export interface SqlDialect {
  readonly name: SqlDialectName;
  number(value: number): Fragment;
  /** An instant (epoch ms), comparable with the dialect's time columns. */
  time(ms: number): Fragment;
  text(value: string): Fragment;
}

const catalogStore = (name: "sqlite" | "postgres"): SqlDialect => ({
  name,
  number: (v) => sql("CAST(? AS DOUBLE PRECISION)", v),
  time: (ms) => sql("CAST(? AS BIGINT)", ms),
  text: (v) => sql("CAST(? AS TEXT)", v),
});

const duck = (p: DuckLiteral): Fragment => sql("?", p);

export const SQL_DIALECTS: Record<SqlDialectName, SqlDialect> = {
  sqlite: catalogStore("sqlite"),
  postgres: catalogStore("postgres"),
  duckdb: {
    name: "duckdb",
    number: (value) => duck({ type: "double", value }),
    time: (ms) => duck({ type: "timestamptz", micros: BigInt(ms) * 1000n }),
    text: (value) => duck({ type: "varchar", value }),
  },
};
