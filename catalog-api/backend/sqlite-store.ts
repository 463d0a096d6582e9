import Database from "better-sqlite3";
import { accentFold, caseFold } from "../cql2/text-folding.js";
import { CatalogStoreError } from "../errors.js";
import { checkGeometry, type Geometry } from "../geometry/geojson.js";
import { intersects } from "../geometry/intersects.js";
import { type JtsGeometry, type Relation, relate, toJts } from "../geometry/relate.js";
import { checkCollectionStructure } from "../stac/check-structure.js";
import type { StacCollection, StacItem } from "../stac/types.js";
import { type ItemRow, itemRow, lastOfEach } from "./item-row.js";
import { type Fragment, sql } from "./sql.js";
import { sqliteDialect } from "./sqlite-dialect.js";
import type { CatalogStore, ItemsReplacement } from "./store.js";
import {
  ADD_DAY,
  ADD_H3,
  h3ResolutionMasks,
  SUMMARY_VERSION,
  summaryCounts,
  summaryDrop,
  summaryRebuild,
  summarySchema,
  summaryUpdates,
} from "./summaries.js";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS collections (id TEXT PRIMARY KEY, content TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS items (
  pk INTEGER PRIMARY KEY AUTOINCREMENT, collection TEXT NOT NULL, id TEXT NOT NULL,
  dt_start INTEGER NOT NULL, dt_end INTEGER NOT NULL,
  minx REAL, miny REAL, maxx REAL, maxy REAL, geometry TEXT, props BLOB NOT NULL, content TEXT NOT NULL,
  UNIQUE (collection, id));
CREATE INDEX IF NOT EXISTS items_id ON items (id);
CREATE INDEX IF NOT EXISTS items_dt ON items (dt_start, dt_end);
CREATE VIRTUAL TABLE IF NOT EXISTS items_rtree USING rtree (pk, minx, maxx, miny, maxy);
CREATE TABLE IF NOT EXISTS item_h3 (
  pk INTEGER NOT NULL, cell INTEGER NOT NULL, lo INTEGER NOT NULL, hi INTEGER NOT NULL,
  dt_start INTEGER NOT NULL, dt_end INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS item_h3_lo ON item_h3 (lo, dt_start, dt_end, pk);
CREATE INDEX IF NOT EXISTS item_h3_cell ON item_h3 (cell, dt_start, dt_end, pk);
CREATE INDEX IF NOT EXISTS item_h3_pk ON item_h3 (pk);
`;

/**
 * The embedded default store: one SQLite file (or ":memory:"), WAL mode, case-sensitive LIKE as CQL2 wants.
 * Properties are kept a second time as SQLite JSONB (`props`), so filters read them without re-parsing text;
 * bboxes live in an R*Tree. Several processes may share the file (`refs serve --processes N`): writes take the
 * write lock up front (BEGIN IMMEDIATE, waiting up to better-sqlite3's 5 s busy timeout) instead of failing on a
 * lock upgrade.
 */
export class SqliteStore implements CatalogStore {
  readonly dialect = sqliteDialect;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private collectionsCache: { version: number; list: StacCollection[] } | undefined;

  constructor(readonly path: string) {
    try {
      this.db = new Database(path);
    } catch (cause) {
      throw new CatalogStoreError(`cannot open ${path}`, "sqlite", { cause });
    }
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("case_sensitive_like = ON");
    // the H3 and time indexes are written in random order: a larger page cache keeps their inner pages resident
    this.db.pragma("cache_size = -262144");
    // map as much of the file as SQLite allows (2 GiB in better-sqlite3's build): serving processes then share
    // the OS page cache instead of each warming a private one
    this.db.pragma("mmap_size = 17179869184");
    this.db.exec(SCHEMA);
    this.db.exec(summarySchema(sqliteDialect));
    this.prepareSummaries();
    // the query geometry is the same for every row of a search: parse it once
    let lastQuery: { text: string; geometry: Geometry } | undefined;
    this.db.function("refs_intersects", { deterministic: true }, (stored: unknown, query: unknown) => {
      if (typeof stored !== "string" || typeof query !== "string") return 0;
      if (lastQuery?.text !== query)
        lastQuery = { text: query, geometry: checkGeometry(JSON.parse(query), "query geometry") };
      const a = checkGeometry(JSON.parse(stored), "stored geometry");
      return intersects(a, lastQuery.geometry) ? 1 : 0;
    });
    let lastRelate: { text: string; geometry: JtsGeometry } | undefined;
    this.db.function(
      "refs_relate",
      { deterministic: true },
      (stored: unknown, query: unknown, relation: unknown) => {
        if (typeof stored !== "string" || typeof query !== "string") return null;
        if (lastRelate?.text !== query)
          lastRelate = { text: query, geometry: toJts(checkGeometry(JSON.parse(query), "query geometry")) };
        const a = toJts(checkGeometry(JSON.parse(stored), "stored geometry"));
        return relate(a, lastRelate.geometry, relation as Relation) ? 1 : 0;
      },
    );
    // CQL2 CASEI / ACCENTI: SQLite's lower() folds ASCII only
    const fold = (f: (s: string) => string) => (v: unknown) => (typeof v === "string" ? f(v) : v);
    this.db.function("refs_casei", { deterministic: true }, fold(caseFold));
    this.db.function("refs_accenti", { deterministic: true }, fold(accentFold));
  }

  /**
   * Fill the constant table and, in a catalog written before the summaries existed (or by another summary
   * version), build them from the items once: the first open after an upgrade pays one pass over the items.
   */
  private prepareSummaries(): void {
    const version = () =>
      this.db.prepare("SELECT value FROM refs_meta WHERE key = 'summaries'").pluck().get() as
        | string
        | undefined;
    if (version() === SUMMARY_VERSION) return;
    this.db
      .transaction(() => {
        if (version() === SUMMARY_VERSION) return;
        const ins = this.db.prepare("INSERT OR REPLACE INTO h3_res (r, keep, setbits) VALUES (?, ?, ?)");
        for (const m of h3ResolutionMasks()) ins.run(m.r, m.keep, m.set);
        this.runAll(summaryRebuild(sqliteDialect));
        this.db
          .prepare("INSERT OR REPLACE INTO refs_meta (key, value) VALUES ('summaries', ?)")
          .run(SUMMARY_VERSION);
      })
      .immediate();
  }

  private runAll(fragments: Fragment[]): void {
    for (const f of fragments) this.stmt(f.text).run(...f.params);
  }

  private stmt(text: string): Database.Statement {
    let s = this.statements.get(text);
    if (!s) {
      s = this.db.prepare(text);
      if (this.statements.size > 500) this.statements.clear();
      this.statements.set(text, s);
    }
    return s;
  }

  async putCollection(given: StacCollection): Promise<void> {
    const c = checkCollectionStructure(given);
    this.stmt(
      "INSERT INTO collections (id, content) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET content = excluded.content",
    ).run(c.id, JSON.stringify(c));
    this.collectionsCache = undefined;
  }

  async getCollection(id: string): Promise<StacCollection | undefined> {
    const row = this.stmt("SELECT content FROM collections WHERE id = ?").get(id) as
      | { content: string }
      | undefined;
    return row ? JSON.parse(row.content) : undefined;
  }

  /**
   * Every search needs the collections (for its queryables): keep them parsed until this connection writes them or
   * `PRAGMA data_version` says another connection (another serving process) committed something.
   */
  async listCollections(): Promise<StacCollection[]> {
    const version = this.stmt("PRAGMA data_version").pluck().get() as number;
    if (this.collectionsCache?.version === version) return this.collectionsCache.list;
    const rows = this.stmt("SELECT content FROM collections ORDER BY id").all() as { content: string }[];
    const list = rows.map((r) => JSON.parse(r.content) as StacCollection);
    this.collectionsCache = { version, list };
    return list;
  }

  async deleteCollection(id: string): Promise<boolean> {
    this.collectionsCache = undefined;
    return this.db
      .transaction(() => {
        this.deleteAll(id);
        return this.stmt("DELETE FROM collections WHERE id = ?").run(id).changes > 0;
      })
      .immediate();
  }

  async putItems(collection: string, items: StacItem[]): Promise<void> {
    const rows = items.map((i) => itemRow(i, collection));
    this.db.transaction(() => this.writeRows(rows)).immediate();
  }

  async replaceItems(collection: string, items: StacItem[]): Promise<void> {
    const rows = items.map((i) => itemRow(i, collection));
    this.db
      .transaction(() => {
        this.deleteAll(collection);
        this.writeRows(rows);
      })
      .immediate();
  }

  /**
   * One write transaction (BEGIN IMMEDIATE) held across the batches: other connections keep reading the old
   * items until COMMIT. Nothing else may use this connection meanwhile (the catalog phase owns its store).
   */
  async beginReplaceItems(collection: string): Promise<ItemsReplacement> {
    this.db.exec("BEGIN IMMEDIATE");
    let open = true;
    const end = (sql: string) => {
      if (!open) return;
      open = false;
      this.db.exec(sql);
    };
    try {
      this.deleteAll(collection);
    } catch (e) {
      end("ROLLBACK");
      throw e;
    }
    return {
      put: async (items) => {
        if (!open) throw new Error(`the replacement of ${collection}'s items has ended`);
        this.writeRows(items.map((i) => itemRow(i, collection)));
      },
      commit: async () => {
        try {
          end("COMMIT");
        } catch (e) {
          if (this.db.inTransaction) this.db.exec("ROLLBACK");
          throw e;
        }
      },
      abort: async () => end("ROLLBACK"),
    };
  }

  private deleteAll(collection: string): void {
    this.runAll(summaryDrop(collection));
    const pks = "SELECT pk FROM items WHERE collection = ?";
    this.stmt(`DELETE FROM item_h3 WHERE pk IN (${pks})`).run(collection);
    this.stmt(`DELETE FROM items_rtree WHERE pk IN (${pks})`).run(collection);
    this.stmt("DELETE FROM items WHERE collection = ?").run(collection);
  }

  private deleteOne(collection: string, id: string): boolean {
    const pk = this.stmt("SELECT pk FROM items WHERE collection = ? AND id = ?")
      .pluck()
      .get(collection, id) as number | undefined;
    if (pk !== undefined) this.deletePks([pk]);
    return pk !== undefined;
  }

  /** Delete these items, taking them out of the summaries first (which read their rows). */
  private deletePks(pks: number[]): void {
    const list = JSON.stringify(pks);
    this.runAll(summaryUpdates(sqliteDialect, -1, pkIn(list)));
    for (const table of ["item_h3", "items_rtree", "items"])
      this.stmt(`DELETE FROM ${table} WHERE pk IN (SELECT value FROM json_each(?))`).run(list);
  }

  /** Insert or replace rows (the last of a repeated collection + id wins), summaries included. */
  private writeRows(given: ItemRow[]): void {
    const rows = lastOfEach(given);
    const find = this.stmt("SELECT pk FROM items WHERE collection = ? AND id = ?").pluck();
    const old: number[] = [];
    for (const r of rows) {
      const pk = find.get(r.collection, r.id) as number | undefined;
      if (pk !== undefined) old.push(pk);
    }
    if (old.length) this.deletePks(old);
    const added: number[] = [];
    const ins = this.stmt(
      "INSERT INTO items (collection, id, dt_start, dt_end, minx, miny, maxx, maxy, geometry, props, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, jsonb(?), ?)",
    );
    const insBox = this.stmt("INSERT INTO items_rtree (pk, minx, maxx, miny, maxy) VALUES (?, ?, ?, ?, ?)");
    const insH3 = this.stmt(
      "INSERT INTO item_h3 (pk, cell, lo, hi, dt_start, dt_end) VALUES (?, ?, ?, ?, ?, ?)",
    );
    for (const r of rows) {
      const b = r.bbox ?? [null, null, null, null];
      const values = [
        r.collection,
        r.id,
        r.dtStart,
        r.dtEnd,
        b[0],
        b[1],
        b[2],
        b[3],
        r.geometry,
        r.properties,
        r.content,
      ];
      const pk = Number(ins.run(...values).lastInsertRowid);
      added.push(pk);
      if (r.bbox) insBox.run(pk, r.bbox[0], r.bbox[2], r.bbox[1], r.bbox[3]);
      for (const c of r.h3) insH3.run(pk, c.cell, c.lo, c.hi, r.dtStart, r.dtEnd);
    }
    this.addSummaries(rows, added);
  }

  /** Add new rows (pks in the same order) to the summaries, from the rows in hand. */
  private addSummaries(rows: ItemRow[], pks: number[]): void {
    const counts = summaryCounts(rows);
    const h3 = this.stmt(ADD_H3);
    for (const c of counts.h3) h3.run(c.collection, c.res, c.cell, c.n);
    const day = this.stmt(ADD_DAY);
    for (const d of counts.days) day.run(d.collection, d.day, d.n);
    const num = this.stmt("INSERT INTO item_numbers (pk, collection, name, value) VALUES (?, ?, ?, ?)");
    rows.forEach((r, i) => {
      for (const [name, value] of r.numbers) num.run(pks[i], r.collection, name, value);
    });
  }

  async getItem(collection: string, id: string): Promise<StacItem | undefined> {
    const row = this.stmt("SELECT content FROM items WHERE collection = ? AND id = ?").get(collection, id) as
      | { content: string }
      | undefined;
    return row ? JSON.parse(row.content) : undefined;
  }

  async deleteItem(collection: string, id: string): Promise<boolean> {
    return this.db.transaction(() => this.deleteOne(collection, id)).immediate();
  }

  async countItems(collection?: string): Promise<number> {
    const row = (
      collection === undefined
        ? this.stmt("SELECT count(*) AS n FROM items").get()
        : this.stmt("SELECT count(*) AS n FROM items WHERE collection = ?").get(collection)
    ) as { n: number };
    return row.n;
  }

  async query(f: Fragment): Promise<Record<string, unknown>[]> {
    const rows = this.stmt(f.text).all(...(f.params as unknown[])) as Record<string, unknown>[];
    for (const r of rows) if (typeof r.content === "string") r.content = JSON.parse(r.content);
    return rows;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

/** Items whose pk is in a JSON list (one bound value however many). */
function pkIn(list: string): Fragment {
  return sql("items.pk IN (SELECT value FROM json_each(?))", list);
}
