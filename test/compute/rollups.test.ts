/**
 * Rollups (compute/rollups) against DuckDB grouping the data file they describe: per cell and UTC day, and per
 * cell over the file, count/min/max equal exactly, sums to the last bits (DuckDB adds in its own order); missing
 * values (NaN, null in the file) left out as SQL leaves out nulls; float32 columns as written.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeH3Parquet, type H3Columns } from "../../compute/parquet/writer.js";
import { encodeRollup, rollupColumns } from "../../compute/rollups/index.js";
import { duckQuery } from "./helpers/duck.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "refs-rollups-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HOUR_US = 3_600_000_000n;

/** Rows sorted by cell then time: 7 cells x 80 hourly steps from 1969-12-30T05 (across 1970, negative times too). */
function sample(): H3Columns {
  const cells: bigint[] = [];
  const time: bigint[] = [];
  const a: number[] = [];
  const b: number[] = [];
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let c = 0; c < 7; c++) {
    for (let s = 0; s < 80; s++) {
      if (c === 3 && s % 2 === 1) continue; // a cell with every other step missing from the file
      cells.push(0x851fa003fffffffn + BigInt(c) * 0x10000000n);
      time.push(-43n * HOUR_US + BigInt(s) * HOUR_US);
      // cell 5 has no value on its first day at all; others miss some values
      a.push((c === 5 && s < 19) || rand() < 0.2 ? Number.NaN : (rand() - 0.3) * 10 ** (rand() * 8 - 4));
      b.push(rand() < 0.1 ? Number.NaN : rand() * 1e6);
    }
  }
  return {
    cellColumn: "h5",
    cells: BigUint64Array.from(cells),
    time: BigInt64Array.from(time),
    values: [
      { name: "a", type: "float32", data: Float64Array.from(a) },
      { name: "b", type: "float64", data: Float64Array.from(b) },
    ],
  };
}

describe("rollups", () => {
  it("equal DuckDB's GROUP BY over the data file, per cell and day and per cell over the file", async () => {
    const data = sample();
    const dataPath = join(dir, "data_0.parquet");
    await writeFile(dataPath, await encodeH3Parquet(data, { rowGroupSize: 100 }));
    const rollup = await encodeRollup("data_0.parquet", data, 100);
    expect(rollup?.path).toBe("data_0.parquet.rollup");
    const rollupFile = join(dir, rollup!.path);
    await writeFile(rollupFile, rollup!.bytes);

    const stats = (v: string) =>
      `count(${v})::DOUBLE, min(${v}), max(${v}), CASE WHEN count(${v}) > 0 THEN sum(${v}) ELSE 0 END`;
    const rolled = (v: string) => `"n:${v}", "min:${v}", "max:${v}", "sum:${v}"`;
    const byDay = await duckQuery(
      `SELECT h5, time_bucket(INTERVAL 1 DAY, time) AS day, epoch_us(min(time))::DOUBLE, epoch_us(max(time))::DOUBLE, ${stats("a")}, ${stats("b")} FROM '${dataPath}' GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    const dayRows = await duckQuery(
      `SELECT h5, time AS day, "rollup:first_us", "rollup:last_us", ${rolled("a")}, ${rolled("b")} FROM read_parquet('${rollupFile}') WHERE "rollup:level" = 0 ORDER BY 1, 2`,
    );
    const byCell = await duckQuery(
      `SELECT h5, epoch_us(min(time))::DOUBLE, epoch_us(max(time))::DOUBLE, ${stats("a")}, ${stats("b")} FROM '${dataPath}' GROUP BY 1 ORDER BY 1`,
    );
    const cellRows = await duckQuery(
      `SELECT h5, "rollup:first_us", "rollup:last_us", ${rolled("a")}, ${rolled("b")} FROM read_parquet('${rollupFile}') WHERE "rollup:level" = 1 ORDER BY 1`,
    );
    expect(dayRows.length).toBe(7 * 4); // 80 hours from 05:00 on 1969-12-30 meet four UTC days
    expect(cellRows.length).toBe(7);
    for (const [got, want] of [
      [dayRows, byDay],
      [cellRows, byCell],
    ] as const) {
      expect(got.length).toBe(want.length);
      got.forEach((row, i) => {
        const g = Object.values(row);
        const w = Object.values(want[i]!);
        g.forEach((v, j) => {
          const isSum = j === g.length - 1 || j === g.length - 5;
          if (isSum && typeof v === "number" && typeof w[j] === "number")
            expect(Math.abs(v - w[j]) <= 1e-12 * Math.max(1, Math.abs(w[j]))).toBe(true);
          else expect(String(v)).toBe(String(w[j]));
        });
      });
    }
    // the all-missing day: count 0, sum 0, no min/max
    const empty = dayRows.find((r) => r["n:a"] === 0);
    expect(empty).toMatchObject({ "sum:a": 0, "min:a": null, "max:a": null });
    // float32 min/max stay FLOAT, as the data column reads
    const types = await duckQuery(`DESCRIBE SELECT * FROM read_parquet('${rollupFile}')`);
    expect(types.find((t) => t.column_name === "min:a")?.column_type).toBe("FLOAT");
    expect(types.find((t) => t.column_name === "min:b")?.column_type).toBe("DOUBLE");
    // counts and levels are integers
    expect(types.find((t) => t.column_name === "n:a")?.column_type).toBe("UINTEGER");
    expect(types.find((t) => t.column_name === "rollup:level")?.column_type).toBe("UTINYINT");
  });

  it("none for data without time", () => {
    const { time: _, ...timeless } = sample();
    expect(rollupColumns(timeless)).toBeUndefined();
  });
});
