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

const DAY_US_NUMBER = 86_400_000_000;

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
  // group bounds: a new (cell, day) group where the cell or the day changes; a new cell group where the cell
  // does. One pass over 32-bit words: reading a BigInt per row would allocate one per row (92 M in a run).
  const cellWords = new Uint32Array(data.cells.buffer, data.cells.byteOffset, 2 * n);
  const timeLow = new Uint32Array(time.buffer, time.byteOffset, 2 * n);
  const timeHigh = new Int32Array(time.buffer, time.byteOffset, 2 * n);
  const dayStarts: number[] = [];
  const cellStarts: number[] = [];
  let previousDay = Number.NaN;
  for (let i = 0; i < n; i++) {
    const newCell =
      i === 0 || cellWords[2 * i] !== cellWords[2 * i - 2] || cellWords[2 * i + 1] !== cellWords[2 * i - 1];
    if (newCell) cellStarts.push(i);
    const day = dayNumber((timeHigh[2 * i + 1] as number) * 4294967296 + (timeLow[2 * i] as number));
    if (newCell || day !== previousDay) dayStarts.push(i);
    previousDay = day;
  }
  const m = dayStarts.length + cellStarts.length;
  // groups r < dayStarts.length are level 0 (cell, day), the rest level 1 (cell over the file)
  const groupStart = (r: number) =>
    r < dayStarts.length ? (dayStarts[r] as number) : (cellStarts[r - dayStarts.length] as number);
  const groupStop = (r: number) =>
    r < dayStarts.length ? (dayStarts[r + 1] ?? n) : (cellStarts[r - dayStarts.length + 1] ?? n);
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
  // 64-bit cells and times copied as 32-bit word pairs (little-endian, as on every platform Node runs on)
  const outCells = new Uint32Array(cells.buffer);
  const outTimeLow = new Uint32Array(groupTime.buffer);
  const outTimeHigh = new Int32Array(groupTime.buffer);
  const microsAt = (i: number) => (timeHigh[2 * i + 1] as number) * 4294967296 + (timeLow[2 * i] as number);
  for (let r = 0; r < m; r++) {
    const g = { start: groupStart(r), stop: groupStop(r), level: r < dayStarts.length ? 0 : 1 };
    outCells[2 * r] = cellWords[2 * g.start] as number;
    outCells[2 * r + 1] = cellWords[2 * g.start + 1] as number;
    const t0 = microsAt(g.start);
    const t = g.level === 0 ? dayNumber(t0) * DAY_US_NUMBER : t0;
    const high = Math.floor(t / 4294967296);
    outTimeHigh[2 * r + 1] = high;
    outTimeLow[2 * r] = t - high * 4294967296;
    level[r] = g.level;
    first[r] = t0;
    last[r] = microsAt(g.stop - 1);
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
  }
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

/** The UTC day holding `us` (an integer below 2^53), as a day count since 1970; exact, unlike a bare division. */
function dayNumber(us: number): number {
  const day = Math.floor(us / DAY_US_NUMBER);
  if (day * DAY_US_NUMBER > us) return day - 1;
  return (day + 1) * DAY_US_NUMBER <= us ? day + 1 : day;
}
