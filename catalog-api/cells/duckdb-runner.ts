import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DuckDBConnection, DuckDBInstance, DuckDBType, DuckDBValue } from "@duckdb/node-api";
import { DataRoots } from "./data-roots.js";
import type { DuckFragment, DuckParam } from "./duck-sql.js";

/** Settings for the cells queries (see test/bench/cells.bench.ts for what they gained). */
const TUNING: string[] = [];

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
  private opened?: Promise<{ api: DuckApi; db: DuckDBInstance; scratch: string; httpfs?: string }>;
  private pages = 0;

  /** `roots`: the only places DuckDB may read (besides its own scratch folder for Parquet answers). */
  constructor(private readonly roots: DataRoots = DataRoots.parse([])) {}

  private open() {
    this.opened ??= (async () => {
      const api = await import("@duckdb/node-api");
      // no extension may be fetched at run time: they come from the network, which a server may not reach
      const db = await api.DuckDBInstance.create(":memory:", { autoinstall_known_extensions: "false" });
      const scratch = await mkdtemp(join(tmpdir(), "refs-cells-"));
      const c = await db.connect();
      try {
        // httpfs must load before external access is switched off; why it did not is kept for the 501
        const httpfs = this.roots.hasRemote()
          ? await c.run("LOAD httpfs").then(
              () => undefined,
              (e: Error) => e.message.split("\n")[0] ?? "httpfs could not be loaded",
            )
          : "no data root is remote";
        const allowed = [...(await this.roots.duckdbDirectories()), `${scratch}/`];
        const list = allowed.map((d) => `'${d.replaceAll("'", "''")}'`).join(", ");
        // DuckDB refuses any other file or URL, whatever a query names, and the settings cannot be changed back
        await c.run(`SET allowed_directories = [${list}]`);
        await c.run(`SET temp_directory = '${scratch.replaceAll("'", "''")}'`);
        await c.run("SET enable_external_access = false");
        for (const s of TUNING) await c.run(s);
        await c.run("SET lock_configuration = true");
        return { api, db, scratch, ...(httpfs ? { httpfs } : {}) };
      } finally {
        c.closeSync();
      }
    })();
    return this.opened;
  }

  private async withConnection<T>(
    run: (c: DuckDBConnection, api: DuckApi, scratch: string) => Promise<T>,
  ): Promise<T> {
    const { api, db, scratch } = await this.open();
    const connection = await db.connect();
    try {
      return await run(connection, api, scratch);
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
    return this.withConnection(async (c, api, scratch) => {
      const file = join(scratch, `page-${++this.pages}.parquet`);
      try {
        const statement = await c.prepare(`CREATE TEMP TABLE page AS ${query.text}`);
        bindAll(api, statement, query.params);
        await statement.run();
        await c.run(
          `COPY (SELECT * FROM page LIMIT ${Math.trunc(keep)}) TO '${file.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION zstd)`,
        );
        const keys = (await c.runAndReadAll(`SELECT ${keyColumns.join(", ")} FROM page`)).getRowObjects();
        await c.run("DROP TABLE page");
        return { bytes: new Uint8Array(await readFile(file)), keys };
      } finally {
        await rm(file, { force: true });
      }
    });
  }

  /**
   * Whether httpfs (s3://, gs://, https:// files) is loaded: undefined when it is, else why not (it is not bundled
   * with the npm package and cannot be downloaded where the server has no network).
   */
  async httpfsMissing(): Promise<string | undefined> {
    return (await this.open()).httpfs;
  }

  async close(): Promise<void> {
    if (!this.opened) return;
    const { db, scratch } = await this.opened;
    db.closeSync();
    this.opened = undefined;
    await rm(scratch, { recursive: true, force: true });
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
      case "varchar":
        values.push(p.value);
        types.push(api.VARCHAR);
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
