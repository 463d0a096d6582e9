import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DuckDBConnection, DuckDBInstance, DuckDBType, DuckDBValue } from "@duckdb/node-api";
import type { DuckFragment, DuckParam } from "./duck-sql.js";

type DuckApi = typeof import("@duckdb/node-api");

/** A failure inside DuckDB; its message (which may quote SQL) stays in the server's log, never in an answer. */
export class CellsQueryError extends Error {
  override name = "CellsQueryError";
}

/**
 * One in-process DuckDB for the API's cells queries, opened on first use (the STAC routes never load it). Each
 * query gets its own connection, so temporary tables of concurrent requests never meet.
 */
export class CellsDatabase {
  private opened?: Promise<{ api: DuckApi; db: DuckDBInstance }>;
  private httpfs?: Promise<string | undefined>;

  private open() {
    this.opened ??= (async () => {
      const api = await import("@duckdb/node-api");
      // no extension may be fetched at run time: they come from the network, which a server may not reach
      const db = await api.DuckDBInstance.create(":memory:", { autoinstall_known_extensions: "false" });
      return { api, db };
    })();
    return this.opened;
  }

  private async withConnection<T>(run: (c: DuckDBConnection, api: DuckApi) => Promise<T>): Promise<T> {
    const { api, db } = await this.open();
    const connection = await db.connect();
    try {
      return await run(connection, api);
    } catch (cause) {
      if (cause instanceof CellsQueryError) throw cause;
      throw new CellsQueryError(String((cause as Error)?.message ?? cause), { cause });
    } finally {
      connection.closeSync();
    }
  }

  /** A SELECT's result column by column (no object per row: tens of thousands of rows convert fast). */
  columns(query: DuckFragment): Promise<DuckDBValue[][]> {
    return this.withConnection(async (c, api) => {
      const statement = await c.prepare(query.text);
      bindAll(api, statement, query.params);
      return (await statement.runAndReadAll()).getColumns();
    });
  }

  /** Rows of a SELECT, as objects of DuckDB values. */
  rows(query: DuckFragment): Promise<Record<string, DuckDBValue>[]> {
    return this.withConnection(async (c, api) => {
      const statement = await c.prepare(query.text);
      bindAll(api, statement, query.params);
      return (await statement.runAndReadAll()).getRowObjects();
    });
  }

  /** The first `keep` rows of a SELECT as a Parquet file's bytes (ZSTD), and all its rows' key columns. */
  parquet(
    query: DuckFragment,
    keep: number,
    keyColumns: string[],
  ): Promise<{ bytes: Uint8Array; keys: Record<string, DuckDBValue>[] }> {
    return this.withConnection(async (c, api) => {
      const dir = await mkdtemp(join(tmpdir(), "refs-cells-"));
      try {
        const statement = await c.prepare(`CREATE TEMP TABLE page AS ${query.text}`);
        bindAll(api, statement, query.params);
        await statement.run();
        const file = join(dir, "page.parquet").replaceAll("'", "''");
        await c.run(
          `COPY (SELECT * FROM page LIMIT ${Math.trunc(keep)}) TO '${file}' (FORMAT parquet, COMPRESSION zstd)`,
        );
        const keys = (await c.runAndReadAll(`SELECT ${keyColumns.join(", ")} FROM page`)).getRowObjects();
        await c.run("DROP TABLE page");
        return { bytes: new Uint8Array(await readFile(join(dir, "page.parquet"))), keys };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  /**
   * Load httpfs for s3://, gs:// and https:// files: undefined when loaded, else why not (it is not bundled with
   * the npm package and cannot be downloaded where the server has no network).
   */
  loadHttpfs(): Promise<string | undefined> {
    this.httpfs ??= this.withConnection(async (c) => {
      await c.run("LOAD httpfs");
      return undefined;
    }).catch((e: Error) => e.message.split("\n")[0] ?? "httpfs could not be loaded");
    return this.httpfs;
  }

  async close(): Promise<void> {
    if (!this.opened) return;
    (await this.opened).db.closeSync();
    this.opened = undefined;
  }
}

function bindAll(
  api: DuckApi,
  statement: { bind(values: DuckDBValue[], types: DuckDBType[]): void },
  params: DuckParam[],
): void {
  const values: DuckDBValue[] = [];
  const types: DuckDBType[] = [];
  for (const p of params) {
    switch (p.type) {
      case "ubigint":
        values.push(p.value);
        types.push(api.UBIGINT);
        break;
      case "double":
        values.push(p.value);
        types.push(api.DOUBLE);
        break;
      case "timestamptz":
        values.push(new api.DuckDBTimestampTZValue(p.micros));
        types.push(api.TIMESTAMPTZ);
        break;
      case "ubigint[]":
        values.push(api.listValue(p.values));
        types.push(api.LIST(api.UBIGINT));
        break;
      case "varchar[]":
        values.push(api.listValue(p.values));
        types.push(api.LIST(api.VARCHAR));
        break;
    }
  }
  statement.bind(values, types);
}
