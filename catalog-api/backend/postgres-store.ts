import pg from "pg";
import { CatalogStoreError } from "../errors.js";
import { checkCollectionStructure } from "../stac/check-structure.js";
import type { StacCollection, StacItem } from "../stac/types.js";
import { type ItemRow, itemRow, lastOfEach } from "./item-row.js";
import { numberPlaceholders, postgresDialect } from "./postgres-dialect.js";
import { type Fragment, sql } from "./sql.js";
import type { CatalogStore, ItemsReplacement, QueryOptions } from "./store.js";
import {
  h3ResolutionMasks,
  SUMMARY_VERSION,
  summaryCounts,
  summaryDrop,
  summaryRebuild,
  summarySchema,
  summaryUpdates,
} from "./summaries.js";

const SCHEMA = `
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE TABLE IF NOT EXISTS collections (id TEXT PRIMARY KEY, content JSONB NOT NULL);
CREATE TABLE IF NOT EXISTS items (
  pk BIGSERIAL PRIMARY KEY, collection TEXT NOT NULL, id TEXT NOT NULL,
  dt_start BIGINT NOT NULL, dt_end BIGINT NOT NULL,
  minx DOUBLE PRECISION, miny DOUBLE PRECISION, maxx DOUBLE PRECISION, maxy DOUBLE PRECISION,
  geom geometry(Geometry, 4326), content JSONB NOT NULL,
  UNIQUE (collection, id));
CREATE INDEX IF NOT EXISTS items_id ON items (id);
CREATE INDEX IF NOT EXISTS items_dt ON items (dt_start, dt_end);
-- a multi-part footprint as the union of its parts (cells sharing edges or overlapping): the same point set in a
-- valid form, which GEOS's relate needs for ST_Contains, ST_Touches, ...; geometry/relate.ts does the same in SQLite
CREATE OR REPLACE FUNCTION refs_footprint(g geometry) RETURNS geometry LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
  $$ SELECT CASE WHEN ST_NumGeometries(g) > 1 AND GeometryType(g) IN ('MULTIPOLYGON', 'GEOMETRYCOLLECTION')
    THEN ST_UnaryUnion(g) ELSE g END $$;
CREATE INDEX IF NOT EXISTS items_geom ON items USING GIST (geom);
CREATE TABLE IF NOT EXISTS item_h3 (
  pk BIGINT NOT NULL, cell BIGINT NOT NULL, lo BIGINT NOT NULL, hi BIGINT NOT NULL,
  dt_start BIGINT NOT NULL, dt_end BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS item_h3_lo ON item_h3 (lo, dt_start, dt_end, pk);
CREATE INDEX IF NOT EXISTS item_h3_cell ON item_h3 (cell, dt_start, dt_end, pk);
CREATE INDEX IF NOT EXISTS item_h3_pk ON item_h3 (pk);
`;

const MAX_NAMED = 500;
/**
 * Connections per pool (one pool for index-driven searches, one for the rest). Few: a search holds its connection
 * for a fraction of a millisecond, and requests queued in Node wait less than queries contending for the database's
 * cores. At 10^6 items with 32 clients on 2 cores, p99 was 59 ms with 16 per pool and 2 processes, 34 ms with 4,
 * 23 ms with 2 (test/bench/catalog.bench.ts); a database server with many cores may want more (`--pg-pool`).
 */
export const DEFAULT_POOL_SIZE = 4;
/**
 * Idle connections are kept 5 minutes (pg's default is 10 s): a new backend costs milliseconds of server CPU and
 * prepares its statements again, which showed as 4x the database CPU per search after a quiet spell.
 */
const IDLE_MS = 300_000;

// bigint columns come back as JS numbers: our values (ms times, keys) stay below 2^53
pg.types.setTypeParser(20, (v: string) => Number(v));

/** PostgreSQL (+ PostGIS) store over a connection pool; `schema` isolates test runs from each other. */
export class PostgresStore implements CatalogStore {
  readonly dialect = postgresDialect;
  private readonly statementNames = new Map<string, string>();
  /** Connections that always reuse one plan per statement, for index-driven searches (see query()). */
  private readonly genericPool: pg.Pool;
  private constructor(
    private readonly pool: pg.Pool,
    readonly schema: string,
    url: string,
    poolSize: number,
  ) {
    this.genericPool = newPool({
      connectionString: url,
      max: poolSize,
      idleTimeoutMillis: IDLE_MS,
      options: `-c search_path=${schema},public -c plan_cache_mode=force_generic_plan`,
    });
  }

  static async open(
    url: string,
    options: { schema?: string; poolSize?: number } = {},
  ): Promise<PostgresStore> {
    const schema = options.schema ?? "public";
    if (!/^[a-z_][a-z0-9_]*$/.test(schema))
      throw new CatalogStoreError(`bad schema name "${schema}"`, "postgres");
    const poolSize = options.poolSize ?? DEFAULT_POOL_SIZE;
    const pool = newPool({
      connectionString: url,
      max: poolSize,
      idleTimeoutMillis: IDLE_MS,
      options: `-c search_path=${schema},public`,
    });
    try {
      await createSchema(pool, schema);
      await prepareSummaries(pool);
    } catch (cause) {
      await pool.end();
      throw new CatalogStoreError(
        `cannot prepare schema ${schema} at ${redact(url)}: ${String(cause)}`,
        "postgres",
        { cause },
      );
    }
    return new PostgresStore(pool, schema, url, poolSize);
  }

  private tx<T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }

  async putCollection(given: StacCollection): Promise<void> {
    const c = checkCollectionStructure(given);
    await this.pool.query(
      "INSERT INTO collections (id, content) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET content = excluded.content",
      [c.id, JSON.stringify(c)],
    );
  }

  async getCollection(id: string): Promise<StacCollection | undefined> {
    const r = await this.pool.query("SELECT content FROM collections WHERE id = $1", [id]);
    return r.rows[0]?.content;
  }

  async listCollections(): Promise<StacCollection[]> {
    const r = await this.pool.query("SELECT content FROM collections ORDER BY id");
    return r.rows.map((x) => x.content);
  }

  async deleteCollection(id: string): Promise<boolean> {
    return this.tx(async (c) => {
      await runAll(c, summaryDrop(id));
      await c.query("DELETE FROM item_h3 WHERE pk IN (SELECT pk FROM items WHERE collection = $1)", [id]);
      await c.query("DELETE FROM items WHERE collection = $1", [id]);
      return ((await c.query("DELETE FROM collections WHERE id = $1", [id])).rowCount ?? 0) > 0;
    });
  }

  async putItems(collection: string, items: StacItem[]): Promise<void> {
    const rows = items.map((i) => itemRow(i, collection));
    await this.tx((c) => this.writeRows(c, rows));
  }

  async replaceItems(collection: string, items: StacItem[]): Promise<void> {
    const rows = items.map((i) => itemRow(i, collection));
    await this.tx(async (c) => {
      await deleteAll(c, collection);
      await this.writeRows(c, rows);
    });
  }

  /**
   * One transaction on one pooled connection held across the batches: other connections keep reading the old
   * items (MVCC) until COMMIT. A batch that fails rolls the transaction back and ends the replacement.
   */
  async beginReplaceItems(collection: string): Promise<ItemsReplacement> {
    const client = await this.pool.connect();
    let open = true;
    let rolledBack = false;
    const end = async (sql: "COMMIT" | "ROLLBACK") => {
      if (!open) {
        // a commit after a failed batch must not look like success
        if (sql === "COMMIT" && rolledBack)
          throw new Error(`the replacement of ${collection}'s items was rolled back`);
        return;
      }
      open = false;
      rolledBack = sql === "ROLLBACK";
      try {
        await client.query(sql);
      } catch (e) {
        if (sql === "COMMIT") await client.query("ROLLBACK").catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    };
    try {
      await client.query("BEGIN");
      await deleteAll(client, collection);
    } catch (e) {
      await end("ROLLBACK").catch(() => {});
      throw e;
    }
    return {
      put: async (items) => {
        if (!open) throw new Error(`the replacement of ${collection}'s items has ended`);
        try {
          await this.writeRows(
            client,
            items.map((i) => itemRow(i, collection)),
          );
        } catch (e) {
          await end("ROLLBACK").catch(() => {});
          throw e;
        }
      },
      commit: () => end("COMMIT"),
      abort: () => end("ROLLBACK"),
    };
  }

  /** Bulk write through unnest() of column arrays: one round trip per batch instead of one per item. */
  private async writeRows(c: pg.PoolClient, given: ItemRow[]): Promise<void> {
    const rows = lastOfEach(given);
    for (let at = 0; at < rows.length; at += 5000) {
      const batch = rows.slice(at, at + 5000);
      const ids = batch.map((r) => r.id);
      const coll = batch.map((r) => r.collection);
      const old = await c.query(
        "SELECT i.pk FROM items i JOIN unnest($1::text[], $2::text[]) AS k(c, id) ON i.collection = k.c AND i.id = k.id",
        [coll, ids],
      );
      if (old.rows.length)
        await deletePks(
          c,
          old.rows.map((x) => String(x.pk)),
        );
      const col = <T>(f: (r: ItemRow) => T) => batch.map(f);
      const inserted = await c.query(
        `INSERT INTO items (collection, id, dt_start, dt_end, minx, miny, maxx, maxy, geom, content)
         SELECT c, id, s, e, x0, y0, x1, y1, CASE WHEN g IS NULL THEN NULL ELSE ST_SetSRID(refs_footprint(ST_GeomFromGeoJSON(g)), 4326) END, j::jsonb
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::float8[], $6::float8[], $7::float8[], $8::float8[], $9::text[], $10::text[])
           AS t(c, id, s, e, x0, y0, x1, y1, g, j)
         RETURNING pk, id`,
        [
          coll,
          ids,
          col((r) => r.dtStart),
          col((r) => r.dtEnd),
          col((r) => r.bbox?.[0] ?? null),
          col((r) => r.bbox?.[1] ?? null),
          col((r) => r.bbox?.[2] ?? null),
          col((r) => r.bbox?.[3] ?? null),
          col((r) => r.geometry),
          col((r) => r.content),
        ],
      );
      const pkById = new Map<string, number>(inserted.rows.map((x) => [x.id as string, Number(x.pk)]));
      const h3 = batch.flatMap((r) =>
        r.h3.map((h) => [pkById.get(r.id)!, h.cell, h.lo, h.hi, r.dtStart, r.dtEnd] as const),
      );
      if (h3.length) {
        const column = (k: number) => h3.map((x) => String(x[k]));
        await c.query(
          "INSERT INTO item_h3 (pk, cell, lo, hi, dt_start, dt_end) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[])",
          [0, 1, 2, 3, 4, 5].map(column),
        );
      }
      await addSummaries(c, batch, pkById);
    }
  }

  async getItem(collection: string, id: string): Promise<StacItem | undefined> {
    const r = await this.pool.query("SELECT content FROM items WHERE collection = $1 AND id = $2", [
      collection,
      id,
    ]);
    return r.rows[0]?.content;
  }

  async deleteItem(collection: string, id: string): Promise<boolean> {
    return this.tx(async (c) => {
      const r = await c.query("SELECT pk FROM items WHERE collection = $1 AND id = $2", [collection, id]);
      if (r.rows[0]) await deletePks(c, [String(r.rows[0].pk)]);
      return r.rows.length > 0;
    });
  }

  async countItems(collection?: string): Promise<number> {
    const r =
      collection === undefined
        ? await this.pool.query("SELECT count(*)::int AS n FROM items")
        : await this.pool.query("SELECT count(*)::int AS n FROM items WHERE collection = $1", [collection]);
    return r.rows[0].n;
  }

  /**
   * Searches come in a few shapes (the SQL text) with different values: named statements let each connection
   * prepare a shape once (past MAX_NAMED shapes the rest run unnamed). With `reusePlan` the statement runs on
   * connections that never re-plan it: planning took ~0.36 ms of a ~0.5 ms H3 + datetime search at 200k items,
   * and an index-driven search has the same good plan whatever its values.
   */
  async query(f: Fragment, options: QueryOptions = {}): Promise<Record<string, unknown>[]> {
    const text = numberPlaceholders(f.text);
    let name = this.statementNames.get(text);
    if (name === undefined && this.statementNames.size < MAX_NAMED) {
      name = `refs_search_${this.statementNames.size}`;
      this.statementNames.set(text, name);
    }
    const pool = options.reusePlan ? this.genericPool : this.pool;
    const r = await pool.query({ name, text, values: f.params });
    return r.rows;
  }

  /** Drop this store's schema (test isolation). */
  async dropSchema(): Promise<void> {
    await this.pool.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
  }

  async close(): Promise<void> {
    await this.genericPool.end();
    await this.pool.end();
  }
}

/** Items whose pk is in the list. */
function pkIn(pks: string[]): Fragment {
  return sql("items.pk = ANY(CAST(? AS BIGINT[]))", pks);
}

async function runAll(c: pg.PoolClient | pg.Pool, fragments: Fragment[]): Promise<void> {
  for (const f of fragments) await c.query(numberPlaceholders(f.text), f.params);
}

/** Add new rows to the summaries, from the rows in hand (one statement per table). */
async function addSummaries(c: pg.PoolClient, rows: ItemRow[], pkById: Map<string, number>): Promise<void> {
  const counts = summaryCounts(rows);
  if (counts.h3.length)
    await c.query(
      "INSERT INTO agg_h3 (collection, res, cell, n) SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[], $4::bigint[]) ORDER BY 2, 1, 3 ON CONFLICT (res, collection, cell) DO UPDATE SET n = agg_h3.n + excluded.n",
      [
        counts.h3.map((x) => x.collection),
        counts.h3.map((x) => x.res),
        counts.h3.map((x) => x.cell.toString()),
        counts.h3.map((x) => x.n),
      ],
    );
  if (counts.days.length)
    await c.query(
      "INSERT INTO agg_day (collection, day, n) SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[]) ORDER BY 1, 2 ON CONFLICT (collection, day) DO UPDATE SET n = agg_day.n + excluded.n",
      [counts.days.map((x) => x.collection), counts.days.map((x) => x.day), counts.days.map((x) => x.n)],
    );
  const numbers = rows.flatMap((r) =>
    r.numbers.map(([name, value]) => [pkById.get(r.id)!, r.collection, name, value] as const),
  );
  if (numbers.length)
    await c.query(
      "INSERT INTO item_numbers (pk, collection, name, value) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::float8[])",
      [0, 1, 2, 3].map((k) => numbers.map((x) => x[k])),
    );
}

/** Delete these items, taking them out of the summaries first (which read their rows). */
async function deletePks(c: pg.PoolClient, pks: string[]): Promise<void> {
  await runAll(c, summaryUpdates(postgresDialect, -1, pkIn(pks)));
  await c.query("DELETE FROM item_h3 WHERE pk = ANY($1::bigint[])", [pks]);
  await c.query("DELETE FROM items WHERE pk = ANY($1::bigint[])", [pks]);
}

/**
 * A pool that outlives its connections: the server may end an idle one (a restart, pg_terminate_backend, a
 * network cut). pg reports that as an "error" event on the pool, which would end the process when nobody
 * listens; the pool has already dropped the connection and opens a new one for the next query.
 */
function newPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  pool.on("error", (e) => {
    if (!pool.ending)
      console.error(`refs: PostgreSQL ended an idle connection (${e.message}); the next query opens another`);
  });
  return pool;
}

/**
 * The tables, indexes and functions, in one transaction under a database-wide lock: the serving processes of
 * `refs serve --processes N` open one database together, and concurrent CREATE OR REPLACE FUNCTION (or CREATE
 * EXTENSION) fail with "tuple concurrently updated".
 */
function createSchema(pool: pg.Pool, schema: string): Promise<void> {
  return inTransaction(pool, async (c) => {
    await c.query("SELECT pg_advisory_xact_lock(hashtext('refs.catalog.schema'))");
    await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await c.query(SCHEMA);
    await c.query(summarySchema(postgresDialect));
  });
}

/**
 * `work` in one transaction on one pooled connection: committed if it resolves, rolled back if it throws. A
 * failing ROLLBACK (the connection itself broken) does not hide the error that caused it.
 */
async function inTransaction<T>(pool: pg.Pool, work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query("BEGIN");
    const out = await work(c);
    await c.query("COMMIT");
    return out;
  } catch (e) {
    await c.query("ROLLBACK").catch(() => {});
    throw e;
  } finally {
    c.release();
  }
}

/**
 * Fill the constant table and, in a schema written before the summaries existed (or by another summary version),
 * build them from the items once, under a lock so processes opening together build them once.
 */
async function prepareSummaries(pool: pg.Pool): Promise<void> {
  const version = async (c: pg.PoolClient | pg.Pool) =>
    (await c.query("SELECT value FROM refs_meta WHERE key = 'summaries'")).rows[0]?.value;
  if ((await version(pool)) === SUMMARY_VERSION) return;
  await inTransaction(pool, async (c) => {
    await c.query("LOCK TABLE refs_meta IN EXCLUSIVE MODE");
    if ((await version(c)) === SUMMARY_VERSION) return;
    for (const m of h3ResolutionMasks())
      await c.query(
        "INSERT INTO h3_res (r, keep, setbits) VALUES ($1, $2, $3) ON CONFLICT (r) DO UPDATE SET keep = excluded.keep, setbits = excluded.setbits",
        [m.r, m.keep.toString(), m.set.toString()],
      );
    await runAll(c, summaryRebuild(postgresDialect));
    await c.query(
      "INSERT INTO refs_meta (key, value) VALUES ('summaries', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      [SUMMARY_VERSION],
    );
  });
}

/** Remove a collection's items, their H3 rows and their share of the summaries. */
async function deleteAll(c: pg.PoolClient, collection: string): Promise<void> {
  await runAll(c, summaryDrop(collection));
  await c.query("DELETE FROM item_h3 WHERE pk IN (SELECT pk FROM items WHERE collection = $1)", [collection]);
  await c.query("DELETE FROM items WHERE collection = $1", [collection]);
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//***@");
}
