/**
 * Compare DuckDB's reading of compute output with brute-force rows: same keys, equal values, no duplicates.
 * `subset`: every expected row must be present and equal; other rows may exist (edges the brute force skips).
 */
import { expect } from "vitest";
import { type ExpectedRow, rowKey } from "./brute.js";
import { datasetSql, duckQuery, micros } from "./duck.js";

export async function expectOutputEquals(
  root: string,
  cellColumn: string,
  variables: string[],
  expected: Map<string, ExpectedRow>,
  options: { float32?: boolean[]; withCount?: boolean; withTime?: boolean; subset?: boolean } = {},
): Promise<void> {
  const rows = await duckQuery(datasetSql(root));
  const seen = new Set<string>();
  let mismatches = 0;
  const firstBad: string[] = [];
  for (const r of rows) {
    const cell = r[cellColumn] as bigint;
    const time = options.withTime === false ? undefined : micros(r.time);
    const key = rowKey(cell, time);
    expect(seen.has(key), `duplicate row ${key}`).toBe(false);
    seen.add(key);
    const want = expected.get(key);
    if (!want) {
      if (options.subset) continue;
      mismatches++;
      if (firstBad.length < 5) firstBad.push(`unexpected ${key} ${cell.toString(16)}`);
      continue;
    }
    variables.forEach((name, v) => {
      const got = r[name] as number | null;
      let w = want.values[v] as number;
      if (options.float32?.[v]) w = Math.fround(w);
      const ok = Number.isNaN(w)
        ? got === null
        : got !== null &&
          Math.abs(got - w) <= 1e-9 * Math.max(1, Math.abs(w)) + (options.float32?.[v] ? 1e-4 : 0);
      if (!ok) {
        mismatches++;
        if (firstBad.length < 5) firstBad.push(`${key} ${name}: got ${got}, want ${w}`);
      }
    });
    if (options.withCount) {
      if (Number(r.count) !== want.count) {
        mismatches++;
        if (firstBad.length < 5) firstBad.push(`${key} count: got ${r.count}, want ${want.count}`);
      }
    }
  }
  const missing = [...expected.keys()].filter((k) => !seen.has(k));
  expect({ mismatches, firstBad, missing: missing.length, firstMissing: missing.slice(0, 3) }).toEqual({
    mismatches: 0,
    firstBad: [],
    missing: 0,
    firstMissing: [],
  });
  if (!options.subset) expect(rows.length).toBe(expected.size);
}
