import type { DuckDBValue } from "@duckdb/node-api";
import { apiError } from "../api/http-errors.js";
import type { CatalogStore } from "../backend/store.js";
import { bboxCells } from "./bbox-cells.js";
import { type CellsShape, cellsQuery, cellsShape } from "./build-query.js";
import type { DataRoots } from "./data-roots.js";
import { type DuckFragment, frag, ident } from "./duck-sql.js";
import { type CellsDatabase, CellsQueryError } from "./duckdb-runner.js";
import { compileCellsFilter } from "./filter-sql.js";
import { findPartitions } from "./find-partitions.js";
import { hexToCell } from "./h3-bits.js";
import type { CellsLayout, PartitionFile } from "./layout.js";
import type { CellsFormat, CellsRequest } from "./request.js";
import { cutGroupsQuery, rollupPlan, rollupQuery, rollupsApply } from "./rollup-query.js";
import { type CellsKey, decodeCellsToken, encodeCellsToken } from "./token.js";

/**
 * One page's rows column by column, as plain numbers: a cell's uint64 index as its high and low 32 bits and times
 * as epoch microseconds (exact in a double until the year 2255), so no BigInt or object is made per value.
 */
export interface CellColumns {
  length: number;
  hi: number[];
  lo: number[];
  /** Epoch microseconds, when rows are per time step. */
  time?: number[];
  /** One array per output value column (shape.values). */
  values: (number | null)[][];
}

export interface CellsPage {
  shape: CellsShape;
  rows: CellColumns;
  /** The page as Parquet (format parquet only). */
  parquet?: Uint8Array;
  next?: string;
  /** Parquet files the query read after pruning by the items. */
  files: number;
  /** What answered: the data files' rows, or their rollups (pre-aggregated at compute). */
  read: "rows" | "rollups";
}

/** Answer one page of a cells query over a collection's H3 Parquet. */
export async function runCells(
  db: CellsDatabase,
  roots: DataRoots,
  store: CatalogStore,
  collection: string,
  req: CellsRequest,
  format: CellsFormat,
): Promise<CellsPage> {
  const partitions = await findPartitions(store, collection, req);
  // no item matched: the collection's layout still checks the filter and the resolution
  const layout = partitions.layout ?? (await findPartitions(store, collection, { limit: 1 })).layout;
  if (!layout) throw apiError(404, `collection "${collection}" has no H3 Parquet items to query`);
  const shape = cellsShape(req, layout);
  const after = req.token === undefined ? undefined : decodeCellsToken(req.token, shape.signature);
  if (req.filter) compileCellsFilter(req.filter, layout); // a bad filter is a 400 even when no file matches
  if (partitions.files.length === 0) return emptyPage(db, shape, format);
  // every href is checked before DuckDB sees it: an item outside the data roots is a 403, never read
  const { paths, remote } = await roots.check(partitions.files);
  if (remote.length > 0) {
    const why = await db.httpfsMissing();
    if (why)
      throw apiError(
        501,
        `collection "${collection}" is stored at ${remote[0]}: reading it needs DuckDB's httpfs extension, which is not available on this server (${why})`,
      );
  }
  const cells = req.bbox ? bboxCells(req.bbox, layout.resolution).map(hexToCell) : undefined;
  if (cells?.length === 0) return emptyPage(db, shape, format);
  const { datetime } = req;
  const timeCovered =
    datetime !== undefined &&
    partitions.files.every((f) => f.span && f.span[0] >= datetime.start && f.span[1] <= datetime.end);
  const rollup = rollupsApply(req, layout, shape)
    ? await rollupAnswer(roots, req, layout, shape, partitions.files, cells, after)
    : undefined;
  const keyColumns = [ident(shape.cellColumn), ...(shape.perTime ? ['"time"'] : [])];
  const files = paths.length;
  const pageOf = async (query: DuckFragment): Promise<Omit<CellsPage, "read">> => {
    if (format === "parquet") {
      const { bytes, keys } = await db.parquet(query, req.limit, keyColumns);
      const key = (i: number): CellsKey => {
        const k = keys[i]!;
        const time = (k.time as { micros: bigint } | null)?.micros;
        return { cell: k[shape.cellColumn] as bigint, ...(time === undefined ? {} : { time }) };
      };
      return {
        shape,
        rows: noRows(shape),
        parquet: bytes,
        files,
        ...nextToken(keys.length, req.limit, shape, key),
      };
    }
    const rows = toColumns(await db.columns(numericColumns(query, shape)), shape, req.limit);
    const key = (i: number): CellsKey => ({
      cell: (BigInt(rows.hi[i]!) << 32n) | BigInt(rows.lo[i]!),
      ...(rows.time ? { time: BigInt(rows.time[i]!) } : {}),
    });
    return { shape, rows, files, ...nextToken(rows.total, req.limit, shape, key) };
  };
  try {
    if (rollup) {
      // the check that no day or file used is cut by the interval runs beside the answer, not before it
      const [page, cut] = await Promise.all([
        pageOf(rollup.query),
        rollup.cut ? db.columns(rollup.cut) : undefined,
      ]);
      if (cut === undefined || Number(cut[0]?.[0]) === 0) return { ...page, read: "rollups" };
    }
    const raw = cellsQuery(req, layout, shape, paths, cells, after, timeCovered);
    return { ...(await pageOf(raw)), read: "rows" };
  } catch (e) {
    if (!(e instanceof CellsQueryError)) throw e;
    console.error(`cells query on collection ${collection} failed:`, e.message);
    throw apiError(
      500,
      `the cells query could not read collection "${collection}"'s Parquet files (a file the items name may be missing or unreadable; the server log has the details)`,
    );
  }
}

/**
 * The query over the files' rollups, when they can answer exactly what the rows would (rollup-query.ts): every
 * file has one, inside the data roots as its data file must be. `cut` counts the rollup groups used that the
 * interval cuts: when it finds one, the rows answer instead.
 */
async function rollupAnswer(
  roots: DataRoots,
  req: CellsRequest,
  layout: CellsLayout,
  shape: CellsShape,
  files: PartitionFile[],
  cells: bigint[] | undefined,
  after: CellsKey | undefined,
): Promise<{ query: DuckFragment; cut?: DuckFragment } | undefined> {
  if (files.some((f) => !f.rollup)) return undefined;
  const checked = await roots.check(files.map((f) => ({ itemId: f.itemId, href: f.rollup! })));
  if (checked.remote.length > 0) return undefined; // read where the data is, through httpfs or not at all
  const plan = rollupPlan(req, files, checked.paths);
  if (!plan) return undefined;
  const cut = cutGroupsQuery(plan, req, layout.uniform ?? false);
  return { query: rollupQuery(req, layout, shape, plan, cells, after), ...(cut ? { cut } : {}) };
}

/** The page's columns as DuckDB returns numbers without a BigInt or an object per value. */
function numericColumns(query: DuckFragment, shape: CellsShape): DuckFragment {
  const cell = ident(shape.cellColumn);
  const columns = [
    `(${cell} >> 32)::UINTEGER`,
    `(${cell} & 4294967295)::UINTEGER`,
    ...(shape.perTime ? ['epoch_us("time")::DOUBLE'] : []),
    ...shape.values.map((v) => `${ident(v)}::DOUBLE`),
  ];
  return { text: `SELECT ${columns.join(", ")} FROM (${query.text})`, params: query.params };
}

function toColumns(
  columns: DuckDBValue[][],
  shape: CellsShape,
  limit: number,
): CellColumns & { total: number } {
  const [hi = [], lo = [], ...rest] = columns as (number | null)[][];
  const time = shape.perTime ? (rest.shift() as number[]) : undefined;
  const total = hi.length;
  const cut = <T>(a: T[]) => (a.length > limit ? a.slice(0, limit) : a);
  return {
    total,
    length: Math.min(total, limit),
    hi: cut(hi as number[]),
    lo: cut(lo as number[]),
    ...(time ? { time: cut(time) } : {}),
    values: rest.map(cut),
  };
}

function noRows(shape: CellsShape): CellColumns {
  return {
    length: 0,
    hi: [],
    lo: [],
    ...(shape.perTime ? { time: [] } : {}),
    values: shape.values.map(() => []),
  };
}

/** No file or cell can match: no rows, but a Parquet answer still carries the columns. */
async function emptyPage(db: CellsDatabase, shape: CellsShape, format: CellsFormat): Promise<CellsPage> {
  if (format !== "parquet") return { shape, rows: noRows(shape), files: 0, read: "rows" };
  const columns = [
    `NULL::UBIGINT AS ${ident(shape.cellColumn)}`,
    ...(shape.perTime ? ['NULL::TIMESTAMPTZ AS "time"'] : []),
    ...shape.values.map((v) => `NULL::DOUBLE AS ${ident(v)}`),
  ];
  const { bytes } = await db.parquet(frag(`SELECT ${columns.join(", ")} LIMIT 0`), 0, [
    ident(shape.cellColumn),
  ]);
  return { shape, rows: noRows(shape), parquet: bytes, files: 0, read: "rows" };
}

/** A next page exists when the query found more than `limit` rows; the token holds the last returned key. */
function nextToken(
  found: number,
  limit: number,
  shape: CellsShape,
  keyAt: (i: number) => CellsKey,
): { next?: string } {
  if (found <= limit) return {};
  return { next: encodeCellsToken(shape.signature, keyAt(limit - 1)) };
}
