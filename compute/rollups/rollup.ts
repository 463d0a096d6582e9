/**
 * Rollups: beside each H3 Parquet file with time, a small Parquet of per-cell count, sum, min and max of every
 * value column, so aggregates over whole days or whole files need not read and group the raw rows. Two levels
 * in one file, told apart by ROLLUP_LEVEL: per cell and UTC day (level 0), then per cell over the whole file
 * (level 1). Missing values (NaN, written as null in the data) are left out exactly as SQL aggregates leave out
 * nulls; a group with no value has count 0, sum 0 and null min/max. Each row also keeps the first and last time
 * it covers, so a reader can tell which groups lie wholly inside a time interval.
 */
import type { H3Columns } from "../parquet/writer.js";

/** The rollup of `data_0.parquet` is `data_0.parquet.rollup` (not `*.parquet`: globs over the data skip it). */
export const ROLLUP_SUFFIX = ".rollup";
/** Column names of a rollup; value columns are `<stat>:<column>`, so they never meet a data column's name. */
export const ROLLUP_LEVEL = "rollup:level";
export const ROLLUP_FIRST = "rollup:first_us";
export const ROLLUP_LAST = "rollup:last_us";
export const rollupColumn = (stat: "n" | "sum" | "min" | "max", column: string) => `${stat}:${column}`;

const DAY_US = 86_400_000_000n;

export function rollupPath(dataPath: string): string {
  return `${dataPath}${ROLLUP_SUFFIX}`;
}

/**
 * The rollup of one file's columns, rows sorted by cell then time as the data file is. Undefined for data without
 * time (one row per cell already). Sums add the values as written (float32 columns rounded to float32) in row
 * order, in double precision; min and max keep the column's type.
 */
export function rollupColumns(data: H3Columns): H3Columns | undefined {
  const time = data.time;
  if (!time) return undefined;
  const n = data.cells.length;
  // group starts: a new (cell, day) group where the cell or the day changes; a new cell group where the cell does
  const dayStarts: number[] = [];
  const cellStarts: number[] = [];
  for (let i = 0; i < n; i++) {
    const newCell = i === 0 || data.cells[i] !== data.cells[i - 1];
    if (newCell) cellStarts.push(i);
    if (newCell || floorDay(time[i] as bigint) !== floorDay(time[i - 1] as bigint)) dayStarts.push(i);
  }
  const groups = [
    ...dayStarts.map((start, k) => ({ start, stop: dayStarts[k + 1] ?? n, level: 0 })),
    ...cellStarts.map((start, k) => ({ start, stop: cellStarts[k + 1] ?? n, level: 1 })),
  ];
  const m = groups.length;
  const cells = new BigUint64Array(m);
  const groupTime = new BigInt64Array(m);
  const level = new Float64Array(m);
  const first = new Float64Array(m);
  const last = new Float64Array(m);
  const stats = data.values.map(() => ({
    n: new Float64Array(m),
    sum: new Float64Array(m),
    min: new Float64Array(m),
    max: new Float64Array(m),
  }));
  groups.forEach((g, r) => {
    cells[r] = data.cells[g.start] as bigint;
    const t0 = time[g.start] as bigint;
    groupTime[r] = g.level === 0 ? floorDay(t0) : t0;
    level[r] = g.level;
    first[r] = Number(t0);
    last[r] = Number(time[g.stop - 1] as bigint);
    data.values.forEach((v, k) => {
      const s = stats[k]!;
      const float32 = v.type === "float32";
      let count = 0;
      let sum = 0;
      let min = Number.NaN;
      let max = Number.NaN;
      for (let i = g.start; i < g.stop; i++) {
        const raw = v.data[i] as number;
        if (Number.isNaN(raw)) continue;
        const x = float32 ? Math.fround(raw) : raw;
        count++;
        sum += x;
        if (!(x >= min)) min = x; // NaN start: the first value sets both
        if (!(x <= max)) max = x;
      }
      s.n[r] = count;
      s.sum[r] = sum;
      s.min[r] = min; // NaN (no value) is written as null
      s.max[r] = max;
    });
  });
  return {
    cellColumn: data.cellColumn,
    cells,
    time: groupTime,
    values: [
      { name: ROLLUP_LEVEL, type: "float64", data: level },
      { name: ROLLUP_FIRST, type: "float64", data: first },
      { name: ROLLUP_LAST, type: "float64", data: last },
      ...data.values.flatMap((v, k) => {
        const s = stats[k]!;
        return [
          { name: rollupColumn("n", v.name), type: "float64" as const, data: s.n },
          { name: rollupColumn("sum", v.name), type: "float64" as const, data: s.sum },
          { name: rollupColumn("min", v.name), type: v.type, data: s.min },
          { name: rollupColumn("max", v.name), type: v.type, data: s.max },
        ];
      }),
    ],
  };
}

/** Start of the UTC day holding `us` (microseconds since 1970, before 1970 too). */
function floorDay(us: bigint): bigint {
  const r = us % DAY_US;
  return r < 0n ? us - r - DAY_US : us - r;
}
