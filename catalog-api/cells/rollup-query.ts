/**
 * Aggregates over time answered from the rollups written beside the data files (compute/rollups): per cell
 * count, sum, min and max by UTC day (level 0) and over the whole file (level 1). Only when the answer is the raw
 * rows' answer: an aggregate over time with no filter on the rows, every file with a rollup, and every rollup
 * group used lying wholly inside the datetime interval (checked first: a day cut by the interval sends the query
 * back to the raw rows). count, min and max are then exactly the raw query's; sum and mean add the same values in
 * another order (per group first), so they agree to the last bits, as two runs of the raw query do.
 */
import { afterKey, type CellsShape, cellConditions, outputCell } from "./build-query.js";
import { all, type DuckFragment, double, frag, ident, join } from "./duck-sql.js";
import type { CellsLayout, PartitionFile } from "./layout.js";
import type { Aggregate, CellsRequest } from "./request.js";
import type { CellsKey } from "./token.js";

// column names of compute/rollups (catalog-api does not import compute: the rollup file is the contract)
const LEVEL = ident("rollup:level");
const FIRST = ident("rollup:first_us");
const LAST = ident("rollup:last_us");
const stat = (s: "n" | "sum" | "min" | "max", v: string) => ident(`${s}:${v}`);

/** Which rollup rows of which files answer a query: whole files' level-1 rows, or the days of the others. */
export interface RollupPlan {
  /** Rollup paths whose file lies strictly inside the interval: every level-1 row counts as it is. */
  whole: string[];
  /** Rollup paths whose level-1 rows count, once checked to lie inside the interval (a file touching its end). */
  wholeChecked: string[];
  /** Rollup paths whose level-0 (day) rows meeting the interval count, once checked to lie inside it. */
  days: string[];
}

/** Whether rollups can answer the request at all (before any file is read). */
export function rollupsApply(req: CellsRequest, layout: CellsLayout, shape: CellsShape): boolean {
  return Boolean(req.aggregate && shape.aggregates && !shape.perTime && !req.filter && layout.time);
}

/**
 * Sort the files by how their rollups answer: undefined when a file has no rollup. `rollups[i]` is the checked
 * path of `files[i]`'s rollup. Item spans are kept to the millisecond; a file whose span only touches the
 * interval's end within that millisecond is checked rather than trusted.
 */
export function rollupPlan(
  req: CellsRequest,
  files: PartitionFile[],
  rollups: string[],
): RollupPlan | undefined {
  if (files.some((f) => !f.rollup)) return undefined;
  const start = req.datetime?.start ?? Number.NEGATIVE_INFINITY;
  const end = req.datetime?.end ?? Number.POSITIVE_INFINITY;
  const plan: RollupPlan = { whole: [], wholeChecked: [], days: [] };
  files.forEach((f, i) => {
    const path = rollups[i]!;
    const [s, e] = f.span ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
    if (s >= start && e + 1 <= end) plan.whole.push(path);
    else if (s >= start && e <= end) plan.wholeChecked.push(path);
    else plan.days.push(path);
  });
  return plan;
}

interface Read {
  columns: string;
  uniform: boolean;
}

function source(paths: string[], level: 0 | 1, { columns, uniform }: Read): DuckFragment {
  return frag(
    `SELECT ${columns} FROM read_parquet(?, hive_partitioning = false, union_by_name = ${uniform ? "false" : "true"}) WHERE ${LEVEL} = ${level}`,
    { type: "varchar[]", values: paths },
  );
}

/**
 * The rollup columns a query reads: named when every file has the same columns (DuckDB then reads no other),
 * else all of them by name (a branch whose files all lack a variable could not name it).
 */
function columnsRead(layout: CellsLayout, shape: CellsShape): string {
  if (!layout.uniform) return "*";
  const fns = shape.aggregates ?? [];
  const stats = (["n", "sum", "min", "max"] as const).filter(
    (s) =>
      s === "n" ||
      (s === "sum" && fns.some((f) => f === "sum" || f === "mean")) ||
      ((s === "min" || s === "max") && fns.includes(s)),
  );
  return [ident(layout.cellColumn), ...layout.variables.flatMap((v) => stats.map((s) => stat(s, v)))].join(
    ", ",
  );
}

/** The rollup rows the plan reads, with the interval's overlap test on the checked ones. */
function rows(plan: RollupPlan, req: CellsRequest, read: Read, checkedOnly: boolean): DuckFragment {
  const parts: DuckFragment[] = [];
  const overlap = overlapTest(req);
  if (!checkedOnly && plan.whole.length > 0) parts.push(source(plan.whole, 1, read));
  if (plan.wholeChecked.length > 0) parts.push(join([source(plan.wholeChecked, 1, read), " AND ", overlap]));
  if (plan.days.length > 0) parts.push(join([source(plan.days, 0, read), " AND ", overlap]));
  return join(parts, " UNION ALL BY NAME ");
}

function overlapTest(req: CellsRequest): DuckFragment {
  const tests: DuckFragment[] = [];
  const { start, end } = req.datetime ?? { start: -Infinity, end: Infinity };
  if (Number.isFinite(end)) tests.push(frag(`${FIRST} <= ?`, double(end * 1000)));
  if (Number.isFinite(start)) tests.push(frag(`${LAST} >= ?`, double(start * 1000)));
  return all(tests);
}

/**
 * Rows the plan would use that the interval cuts (some of their times inside it, some outside): when there is
 * one, the rollups cannot answer and the raw rows must. Undefined when nothing needs checking.
 */
export function cutGroupsQuery(
  plan: RollupPlan,
  req: CellsRequest,
  uniform: boolean,
): DuckFragment | undefined {
  if (plan.wholeChecked.length + plan.days.length === 0 || !req.datetime) return undefined;
  const { start, end } = req.datetime;
  const outside: DuckFragment[] = [];
  if (Number.isFinite(start)) outside.push(frag(`${FIRST} < ?`, double(start * 1000)));
  if (Number.isFinite(end)) outside.push(frag(`${LAST} > ?`, double(end * 1000)));
  if (outside.length === 0) return undefined;
  return join([
    "SELECT count(*) FROM (",
    rows(plan, req, { columns: `${FIRST}, ${LAST}`, uniform }, true),
    ") WHERE ",
    all(outside, "OR"),
  ]);
}

const FROM_ROLLUP: Record<Aggregate, (v: string) => string> = {
  count: (v) => `sum(${stat("n", v)})::BIGINT`,
  min: (v) => `min(${stat("min", v)})`,
  max: (v) => `max(${stat("max", v)})`,
  // with no value in the group the raw sum and mean are null, not 0
  sum: (v) => `CASE WHEN sum(${stat("n", v)}) > 0 THEN sum(${stat("sum", v)}) END`,
  mean: (v) => `CASE WHEN sum(${stat("n", v)}) > 0 THEN sum(${stat("sum", v)}) / sum(${stat("n", v)}) END`,
};

/** The page's SELECT over the rollups: the same columns, order and paging as cellsQuery's over the rows. */
export function rollupQuery(
  req: CellsRequest,
  layout: CellsLayout,
  shape: CellsShape,
  plan: RollupPlan,
  bboxCells: bigint[] | undefined,
  after: CellsKey | undefined,
): DuckFragment {
  const select: (DuckFragment | string)[] = [outputCell(layout, shape)];
  for (const v of layout.variables)
    for (const f of shape.aggregates ?? []) select.push(`${FROM_ROLLUP[f](v)} AS ${ident(`${v}_${f}`)}`);
  const where = cellConditions(req, layout, bboxCells);
  if (after) where.push(afterKey(ident(layout.cellColumn), layout.resolution, shape, after));
  return join([
    "SELECT ",
    join(select, ", "),
    " FROM (",
    rows(plan, req, { columns: columnsRead(layout, shape), uniform: layout.uniform ?? false }, false),
    ") WHERE ",
    all(where),
    ` GROUP BY 1 ORDER BY 1 LIMIT ${Math.trunc(req.limit) + 1}`,
  ]);
}
