import { CatalogInputError } from "../errors.js";
import { all, type DuckFragment, frag, ident, join, timestamptz, ubigint } from "./duck-sql.js";
import { compileCellsFilter } from "./filter-sql.js";
import { descendantRange, parentMasks } from "./h3-bits.js";
import type { CellsLayout } from "./layout.js";
import type { Aggregate, CellsRequest } from "./request.js";
import type { CellsKey } from "./token.js";

/** What a cells query answers: one row per output cell (and time step, when `perTime`). */
export interface CellsShape {
  resolution: number;
  /** The output cell column, `h<resolution>` (uint64). */
  cellColumn: string;
  perTime: boolean;
  /** Output value columns in order: the variables (and count) as stored, or `<variable>_<aggregate>`. */
  values: string[];
  /** The functions rows are grouped with (per output cell, and time step when perTime); none for stored rows. */
  aggregates?: Aggregate[];
  /** Distinguishes groupings, so a paging token cannot be replayed against another one. */
  signature: string;
}

const SQL_AGGREGATE: Record<Aggregate, string> = {
  mean: "avg",
  min: "min",
  max: "max",
  sum: "sum",
  count: "count",
};

export function cellsShape(req: CellsRequest, layout: CellsLayout): CellsShape {
  const resolution = req.resolution ?? layout.resolution;
  if (resolution > layout.resolution)
    throw new CatalogInputError(
      `${resolution} is finer than the data's resolution ${layout.resolution}; cells can only be grouped up to coarser parents`,
      "resolution",
    );
  const grouped = Boolean(req.aggregate) || resolution < layout.resolution;
  const perTime = layout.time && !req.aggregate;
  const fns = req.aggregate ?? ["mean"];
  const values = grouped
    ? layout.variables.flatMap((v) => fns.map((f) => `${v}_${f}`))
    : [...layout.variables, ...(layout.count ? ["count"] : [])];
  return {
    resolution,
    cellColumn: `h${resolution}`,
    perTime,
    values,
    ...(grouped ? { aggregates: fns } : {}),
    signature: `${resolution}/${perTime ? "t" : "-"}/${grouped ? fns.join("+") : "rows"}`,
  };
}

/**
 * The SELECT of one page: rows of the given files (a bound list) that match every parameter, grouped as asked,
 * ordered by cell (and time) and starting after the paging key; `limit + 1` rows tell whether a next page exists.
 * `timeCovered`: the files' items say all their rows lie inside `req.datetime` (as pruning trusts them not to miss
 * a row outside their span).
 */
export function cellsQuery(
  req: CellsRequest,
  layout: CellsLayout,
  shape: CellsShape,
  paths: string[],
  bboxCells: bigint[] | undefined,
  after: CellsKey | undefined,
  timeCovered = false,
): DuckFragment {
  const col = ident(layout.cellColumn);
  const select: (DuckFragment | string)[] = [outputCell(layout, shape)];
  if (shape.perTime) select.push('"time"');
  if (shape.aggregates) {
    for (const v of layout.variables)
      for (const f of shape.aggregates)
        select.push(`${SQL_AGGREGATE[f]}(${ident(v)}) AS ${ident(`${v}_${f}`)}`);
  } else for (const v of shape.values) select.push(ident(v));

  const where = cellConditions(req, layout, bboxCells);
  // files whose every row lies in the interval need no time test: the time column is then not even read
  if (req.datetime && layout.time && !timeCovered) {
    if (Number.isFinite(req.datetime.start)) where.push(frag('"time" >= ?', timestamptz(req.datetime.start)));
    if (Number.isFinite(req.datetime.end)) where.push(frag('"time" <= ?', timestamptz(req.datetime.end)));
  }
  if (req.filter) where.push(compileCellsFilter(req.filter, layout));
  if (after) where.push(afterKey(col, layout.resolution, shape, after));

  const order = shape.perTime ? "1, 2" : "1";
  return join([
    "SELECT ",
    join(select, ", "),
    frag(
      ` FROM read_parquet(?, hive_partitioning = false, union_by_name = ${layout.uniform ? "false" : "true"}) WHERE `,
      {
        type: "varchar[]",
        values: paths,
      },
    ),
    all(where),
    shape.aggregates ? ` GROUP BY ${order}` : "",
    ` ORDER BY ${order} LIMIT ${Math.trunc(req.limit) + 1}`,
  ]);
}

/** The output cell column: the stored cell, or its parent at the shape's coarser resolution (bit arithmetic). */
export function outputCell(layout: CellsLayout, shape: CellsShape): DuckFragment {
  const col = ident(layout.cellColumn);
  if (shape.resolution >= layout.resolution) return frag(`${col} AS ${ident(shape.cellColumn)}`);
  const { keep, set } = parentMasks(shape.resolution);
  return join([frag(`(${col} & ?) | ?`, ubigint(keep), ubigint(set)), ` AS ${ident(shape.cellColumn)}`]);
}

/** The `h3` and `bbox` parameters as tests on the stored cell column. */
export function cellConditions(
  req: CellsRequest,
  layout: CellsLayout,
  bboxCells: bigint[] | undefined,
): DuckFragment[] {
  const col = ident(layout.cellColumn);
  const where: DuckFragment[] = [];
  if (req.h3) {
    const ranges = req.h3.map((c) => descendantRange(c, layout.resolution));
    where.push(
      all(
        ranges.map((r) => frag(`${col} BETWEEN ? AND ?`, ubigint(r.lo), ubigint(r.hi))),
        "OR",
      ),
    );
  }
  if (bboxCells) where.push(frag(`${col} IN (SELECT unnest(?))`, { type: "ubigint[]", values: bboxCells }));
  return where;
}

/**
 * Rows after the last key. Parents keep the order of their children (a parent's res-R descendants are one range),
 * so "after parent K" is a test on the stored column: beyond K's range, which lets DuckDB prune row groups.
 */
export function afterKey(
  col: string,
  dataResolution: number,
  shape: CellsShape,
  key: CellsKey,
): DuckFragment {
  const { lo, hi } = descendantRange(key.cell, dataResolution);
  if (!shape.perTime || key.time === undefined) return frag(`${col} > ?`, ubigint(hi));
  const t = { type: "timestamptz", micros: key.time } as const;
  return all(
    [
      frag(`${col} > ?`, ubigint(hi)),
      frag(`${col} BETWEEN ? AND ? AND "time" > ?`, ubigint(lo), ubigint(hi), t),
    ],
    "OR",
  );
}
