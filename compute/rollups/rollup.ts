/**
 * Rollups: beside each H3 Parquet file with time, a small Parquet of per-cell count, sum, min and max of every
 * value column, so aggregates over whole days or whole files need not read and group the raw rows. Two levels
 * in one file, told apart by ROLLUP_LEVEL: per cell and UTC day (level 0), then per cell over the whole file
 * (level 1). Missing values (NaN, written as null in the data) are left out exactly as SQL aggregates leave out
 * nulls; a group with no value has count 0, sum 0 and null min/max. Levels are UINT8 and counts UINT32 (a file
 * holds fewer than 2^32 rows); rollups of earlier versions have DOUBLE ones, which readers unite by name. Each row also keeps the first and last time
 * it covers, so a reader can tell which groups lie wholly inside a time interval.
 */
import type { H3Columns, ValueColumn } from "../parquet/writer.js";

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

/** Where a file's rollup groups begin, as row indexes: each (cell, UTC day) group, and each cell. */
export interface RollupGroups {
  /** Start of every (cell, day) group, then the row count. */
  dayStarts: Int32Array;
  /** Start of every cell's rows, then the row count. */
  cellStarts: Int32Array;
}

/**
 * Collects the group starts while the rows are laid out (compute walks its cell x step matrix and knows where a
 * cell or a day begins without looking at the written columns): cell(i) where a cell's rows begin, day(i) where a
 * (cell, day) group does, both in row order.
 */
export class RollupGroupsBuilder {
  private days = 0;
  private cells = 0;
  private readonly dayStarts: Int32Array;
  private readonly cellStarts: Int32Array;

  constructor(private readonly rows: number) {
    this.dayStarts = new Int32Array(rows + 1);
    this.cellStarts = new Int32Array(rows + 1);
  }

  cell(row: number): void {
    this.cellStarts[this.cells++] = row;
  }

  day(row: number): void {
    this.dayStarts[this.days++] = row;
  }

  finish(): RollupGroups {
    this.dayStarts[this.days] = this.rows;
    this.cellStarts[this.cells] = this.rows;
    return {
      dayStarts: this.dayStarts.subarray(0, this.days + 1),
      cellStarts: this.cellStarts.subarray(0, this.cells + 1),
    };
  }
}

/**
 * The groups of rows sorted by cell then time, found from the columns: a (cell, day) group starts where the
 * cell changes or the time leaves the current UTC day [dayStart, dayEnd), whose number is only worked out then.
 * Works on 32-bit words: reading a BigInt per row would allocate one per row (92 M in a run).
 */
export function rollupGroups(cells: BigUint64Array, time: BigInt64Array): RollupGroups {
  const n = cells.length;
  const cellWords = new Uint32Array(cells.buffer, cells.byteOffset, 2 * n);
  const timeLow = new Uint32Array(time.buffer, time.byteOffset, 2 * n);
  const timeHigh = new Int32Array(time.buffer, time.byteOffset, 2 * n);
  const groups = new RollupGroupsBuilder(n);
  let dayStart = Number.POSITIVE_INFINITY;
  let dayEnd = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const t = (timeHigh[2 * i + 1] as number) * 4294967296 + (timeLow[2 * i] as number);
    const newCell =
      i === 0 || cellWords[2 * i] !== cellWords[2 * i - 2] || cellWords[2 * i + 1] !== cellWords[2 * i - 1];
    if (newCell) groups.cell(i);
    if (newCell || t < dayStart || t >= dayEnd) {
      dayStart = dayNumber(t) * DAY_US_NUMBER;
      dayEnd = dayStart + DAY_US_NUMBER;
      groups.day(i);
    }
  }
  return groups.finish();
}

/**
 * The rollup of one file's columns, rows sorted by cell then time as the data file is. Undefined for data without
 * time (one row per cell already). Sums add the values as written (float32 columns rounded to float32) in row
 * order, in double precision; min and max keep the column's type. `groups`, when the caller already knows them,
 * must be rollupGroups(data.cells, data.time)'s.
 */
export function rollupColumns(data: H3Columns, known?: RollupGroups): H3Columns | undefined {
  const time = data.time;
  if (!time) return undefined;
  const n = data.cells.length;
  const { dayStarts, cellStarts } = known ?? rollupGroups(data.cells, time);
  const days = dayStarts.length - 1;
  const cellCount = cellStarts.length - 1;
  const cellWords = new Uint32Array(data.cells.buffer, data.cells.byteOffset, 2 * n);
  const timeLow = new Uint32Array(time.buffer, time.byteOffset, 2 * n);
  const timeHigh = new Int32Array(time.buffer, time.byteOffset, 2 * n);
  // rows r < days are level 0 (cell, day), the rest level 1 (cell over the file)
  const m = days + cellCount;
  const cells = new BigUint64Array(m);
  const groupTime = new BigInt64Array(m);
  const level = new Uint8Array(m).fill(1, days);
  const first = new Float64Array(m);
  const last = new Float64Array(m);
  // 64-bit cells and times copied as 32-bit word pairs (little-endian, as on every platform Node runs on)
  const outCells = new Uint32Array(cells.buffer);
  const outTimeLow = new Uint32Array(groupTime.buffer);
  const outTimeHigh = new Int32Array(groupTime.buffer);
  // each group's cell, time (a day's start, or the cell's first time), first and last time; a loop per level
  // with the word reads inline (a closure per group cost 80 ns a group)
  for (let level = 0; level < 2; level++) {
    const starts = level === 0 ? dayStarts : cellStarts;
    const offset = level === 0 ? 0 : days;
    for (let g = 0; g < starts.length - 1; g++) {
      const r = offset + g;
      const start = starts[g] as number;
      const end = (starts[g + 1] as number) - 1;
      outCells[2 * r] = cellWords[2 * start] as number;
      outCells[2 * r + 1] = cellWords[2 * start + 1] as number;
      const t0 = (timeHigh[2 * start + 1] as number) * 4294967296 + (timeLow[2 * start] as number);
      const t = level === 0 ? dayNumber(t0) * DAY_US_NUMBER : t0;
      const high = Math.floor(t / 4294967296);
      outTimeHigh[2 * r + 1] = high;
      outTimeLow[2 * r] = t - high * 4294967296;
      first[r] = t0;
      last[r] = (timeHigh[2 * end + 1] as number) * 4294967296 + (timeLow[2 * end] as number);
    }
  }
  const values = data.values.flatMap((v): ValueColumn[] => {
    if (v.type !== "float32" && v.type !== "float64") throw new TypeError(`not a value column: ${v.name}`);
    const stats = cellAndDayStats(v.data, v.type === "float32", dayStarts, cellStarts);
    return [
      { name: rollupColumn("n", v.name), type: "uint32", data: stats.n },
      { name: rollupColumn("sum", v.name), type: "float64" as const, data: stats.sum },
      { name: rollupColumn("min", v.name), type: v.type, data: stats.min },
      { name: rollupColumn("max", v.name), type: v.type, data: stats.max },
    ];
  });
  return {
    cellColumn: data.cellColumn,
    cells,
    time: groupTime,
    values: [
      { name: ROLLUP_LEVEL, type: "uint8", data: level },
      { name: ROLLUP_FIRST, type: "float64", data: first },
      { name: ROLLUP_LAST, type: "float64", data: last },
      ...values,
    ],
  };
}

/**
 * Count, sum, min and max of one column per (cell, day) group (rows 0..days-1) and per cell (rows days..): a
 * cell's days follow one another, so one loop over its rows feeds both, each sum in row order. Missing values
 * (NaN) are left out; a group with none has count 0, sum 0 and min/max NaN (written as null).
 */
function cellAndDayStats(
  input: Float64Array,
  float32: boolean,
  dayStarts: Int32Array,
  cellStarts: Int32Array,
) {
  const days = dayStarts.length - 1;
  const cellCount = cellStarts.length - 1;
  const m = days + cellCount;
  const out = {
    n: new Uint32Array(m),
    sum: new Float64Array(m),
    min: new Float64Array(m),
    max: new Float64Array(m),
  };
  let d = 0;
  for (let c = 0; c < cellCount; c++) {
    const cellStop = cellStarts[c + 1] as number;
    let cellN = 0;
    let cellSum = 0;
    let cellMin = Number.NaN;
    let cellMax = Number.NaN;
    for (; d < days && (dayStarts[d] as number) < cellStop; d++) {
      const stop = dayStarts[d + 1] as number;
      let dayN = 0;
      let daySum = 0;
      let dayMin = Number.NaN;
      let dayMax = Number.NaN;
      for (let i = dayStarts[d] as number; i < stop; i++) {
        const raw = input[i] as number;
        if (Number.isNaN(raw)) continue;
        const x = float32 ? Math.fround(raw) : raw;
        dayN++;
        daySum += x;
        cellSum += x;
        // NaN start: the first value sets both
        if (!(x >= dayMin)) dayMin = x;
        if (!(x <= dayMax)) dayMax = x;
      }
      out.n[d] = dayN;
      out.sum[d] = daySum;
      out.min[d] = dayMin;
      out.max[d] = dayMax;
      cellN += dayN;
      if (dayN > 0) {
        if (!(dayMin >= cellMin)) cellMin = dayMin;
        if (!(dayMax <= cellMax)) cellMax = dayMax;
      }
    }
    const r = days + c;
    out.n[r] = cellN;
    out.sum[r] = cellSum;
    out.min[r] = cellMin;
    out.max[r] = cellMax;
  }
  return out;
}

/** The UTC day holding `us` (an integer below 2^53), as a day count since 1970; exact, unlike a bare division. */
export function dayNumber(us: number): number {
  const day = Math.floor(us / DAY_US_NUMBER);
  if (day * DAY_US_NUMBER > us) return day - 1;
  return (day + 1) * DAY_US_NUMBER <= us ? day + 1 : day;
}
