import { createHash } from "node:crypto";
import { encodeH3Parquet, type H3Columns } from "../parquet/writer.js";
import { ROLLUP_LEVEL, type RollupGroups, rollupColumns, rollupPath } from "./rollup.js";

/** A data file's rollup as it is written beside it and recorded with it. */
export interface EncodedRollup {
  path: string;
  bytes: Uint8Array;
  sha256: string;
}

/**
 * Rows per row group of a rollup at most: small groups let a reader skip by the statistics of `rollup:level` and
 * the cell column (a month's file-level rows are a few percent of its day rows).
 */
export const ROLLUP_ROW_GROUP = 8192;

/**
 * The rollup file of the data file at `dataPath` holding `columns`; undefined for data without time. `groups`:
 * the rows' groups when the caller found them while laying the rows out (see rollupColumns).
 */
export async function encodeRollup(
  dataPath: string,
  columns: H3Columns,
  rowGroupSize: number,
  groups?: RollupGroups,
): Promise<EncodedRollup | undefined> {
  const rollup = rollupColumns(columns, groups);
  if (!rollup) return undefined;
  const bytes = await encodeH3Parquet(rollup, {
    rowGroupSize: Math.min(rowGroupSize, ROLLUP_ROW_GROUP),
    dictionary: false,
    // a reader skips row groups by cell, time and level; the statistics' other columns never prune
    statisticsOn: [rollup.cellColumn, "time", ROLLUP_LEVEL],
  });
  return { path: rollupPath(dataPath), bytes, sha256: createHash("sha256").update(bytes).digest("hex") };
}
