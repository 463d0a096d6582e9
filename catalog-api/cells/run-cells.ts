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
import type { CellsFormat, CellsRequest } from "./request.js";
import { type CellsKey, decodeCellsToken, encodeCellsToken } from "./token.js";

export interface CellRow {
  cell: bigint;
  /** Epoch microseconds, when rows are per time step. */
  time?: bigint;
  values: (number | null)[];
}

export interface CellsPage {
  shape: CellsShape;
  rows: CellRow[];
  /** The page as Parquet (format parquet only). */
  parquet?: Uint8Array;
  next?: string;
  /** Parquet files the query read after pruning by the items. */
  files: number;
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
  const query = cellsQuery(req, layout, shape, paths, cells, after);
  const keyColumns = [ident(shape.cellColumn), ...(shape.perTime ? ['"time"'] : [])];
  try {
    if (format === "parquet") {
      const { bytes, keys } = await db.parquet(query, req.limit, keyColumns);
      const rows = keys.map((k) => toRow(k, shape, false));
      return { shape, rows: [], parquet: bytes, files: paths.length, ...nextToken(rows, req.limit, shape) };
    }
    const rows = toRows(await db.columns(shape.perTime ? epochTimes(query) : query), shape);
    return {
      shape,
      rows: rows.slice(0, req.limit),
      files: paths.length,
      ...nextToken(rows, req.limit, shape),
    };
  } catch (e) {
    if (!(e instanceof CellsQueryError)) throw e;
    console.error(`cells query on collection ${collection} failed:`, e.message);
    throw apiError(
      500,
      `the cells query could not read collection "${collection}"'s Parquet files (a file the items name may be missing or unreadable; the server log has the details)`,
    );
  }
}

/** The query with its time column as epoch microseconds (a bigint, not an object per value). */
function epochTimes(query: DuckFragment): DuckFragment {
  return { text: `SELECT * REPLACE (epoch_us("time") AS "time") FROM (${query.text})`, params: query.params };
}

function toRows(columns: DuckDBValue[][], shape: CellsShape): CellRow[] {
  const [cells = [], ...rest] = columns;
  const times = shape.perTime ? rest.shift() : undefined;
  const num = (x: DuckDBValue) => (x === null || x === undefined ? null : Number(x));
  return cells.map((cell, i) => {
    const row: CellRow = { cell: cell as bigint, values: rest.map((c) => num(c[i] ?? null)) };
    const t = times?.[i];
    if (typeof t === "bigint") row.time = t;
    return row;
  });
}

/** No file or cell can match: no rows, but a Parquet answer still carries the columns. */
async function emptyPage(db: CellsDatabase, shape: CellsShape, format: CellsFormat): Promise<CellsPage> {
  if (format !== "parquet") return { shape, rows: [], files: 0 };
  const columns = [
    `NULL::UBIGINT AS ${ident(shape.cellColumn)}`,
    ...(shape.perTime ? ['NULL::TIMESTAMPTZ AS "time"'] : []),
    ...shape.values.map((v) => `NULL::DOUBLE AS ${ident(v)}`),
  ];
  const { bytes } = await db.parquet(frag(`SELECT ${columns.join(", ")} LIMIT 0`), 0, [
    ident(shape.cellColumn),
  ]);
  return { shape, rows: [], parquet: bytes, files: 0 };
}

function nextToken(rows: CellRow[], limit: number, shape: CellsShape): { next?: string } {
  const last = rows[limit - 1];
  if (rows.length <= limit || !last) return {};
  const key: CellsKey = { cell: last.cell, ...(last.time === undefined ? {} : { time: last.time }) };
  return { next: encodeCellsToken(shape.signature, key) };
}

function toRow(r: Record<string, DuckDBValue>, shape: CellsShape, withValues: boolean): CellRow {
  const row: CellRow = { cell: r[shape.cellColumn] as bigint, values: [] };
  if (shape.perTime) row.time = (r.time as { micros: bigint } | null)?.micros ?? undefined;
  if (withValues)
    row.values = shape.values.map((v) => {
      const x = r[v];
      return x === null || x === undefined ? null : Number(x);
    });
  return row;
}
