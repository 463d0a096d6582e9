import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LocalOutput } from "../../compute/io/output.js";
import { computeProject } from "../../compute/run.js";
import { readAllRecords } from "../../compute/units/record.js";
import { bruteAggregate, bruteSample } from "./helpers/brute.js";
import { coarseRegional, hourlyGrid } from "./helpers/cases.js";
import { expectOutputEquals } from "./helpers/compare.js";
import { datasetSql, duckQuery, duckTypes } from "./helpers/duck.js";
import { chunkReader } from "./helpers/reader.js";

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "refs-compute-"));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("hourly lat/lon grid (descending latitude, 0..360 longitude, packed int16 + float32)", () => {
  const c = hourlyGrid();
  const io = (root: string) => ({
    refs: c.dataset.refs,
    read: chunkReader(c.dataset.refs, c.dataset.sources),
    output: new LocalOutput(root),
  });

  it("every row equals h3-js per pixel, grouped and averaged; DuckDB reads declared types", async () => {
    const root = await tempDir();
    const summary = await computeProject(io(root), {
      variables: ["tp", "t2m"],
      resolution: 2,
      timePartition: "day",
    });
    expect(summary.method).toBe("aggregate");
    // one unit per h0 cell and day (the hours run from 2022-01-30 20:00 to 2022-01-31 01:00); the grid is global
    expect(summary.unitsTotal).toBe(122 * 2);
    expect(summary.unitsAllFill).toBe(122);
    const expected = bruteAggregate(c.truth, 2, "mean");
    await expectOutputEquals(root, "h2", ["tp", "t2m"], expected, {
      float32: [false, true],
      withCount: true,
    });
    const types = await duckTypes(root);
    expect(types).toMatchObject({
      h2: "UBIGINT",
      time: "TIMESTAMP WITH TIME ZONE",
      tp: "DOUBLE",
      t2m: "FLOAT",
      count: "UINTEGER",
      h0: "VARCHAR",
      date: "DATE",
    });
    // Partitions agree with the rows in them.
    const bad = await duckQuery(
      `${datasetSql(root, "count(*) AS n")} WHERE CAST(timezone('UTC', time) AS DATE) <> date`,
    );
    expect(Number(bad[0]?.n)).toBe(0);
    // All-fill units are recorded, with no files.
    const records = await readAllRecords(new LocalOutput(root));
    expect(records.size).toBe(122 * 2);
    const fill = [...records.values()].filter((r) => r.skipped === "all-fill");
    // the hours of 2022-01-31 are all fill: those partitions have no files
    expect(fill.length).toBe(122);
    expect(fill.every((r) => r.unit.endsWith("_2022-01-31"))).toBe(true);
    expect(fill.every((r) => r.files.length === 0 && r.rows === 0)).toBe(true);
    const sums = await duckQuery(datasetSql(root, "count(*) AS n, sum(count) AS pixels"));
    const recordRows = [...records.values()].reduce((s, r) => s + r.rows, 0);
    expect(Number(sums[0]?.n)).toBe(recordRows);
  });

  it("min, max, sum and count aggregations match brute force", async () => {
    const small = hourlyGrid(2, 6, [2, 30, 60]);
    for (const aggregation of ["min", "max", "sum", "count"] as const) {
      const root = await tempDir();
      const smallIo = {
        refs: small.dataset.refs,
        read: chunkReader(small.dataset.refs, small.dataset.sources),
        output: new LocalOutput(root),
      };
      await computeProject(smallIo, { variables: ["tp"], resolution: 1, aggregation });
      await expectOutputEquals(
        root,
        "h1",
        ["tp"],
        bruteAggregate({ ...small.truth, nv: 1 }, 1, aggregation),
        { withCount: true },
      );
      if (aggregation !== "sum") continue;
      // Straight from the source: DuckDB's totals equal the sum and count of every valid source value.
      let sourceSum = 0;
      let sourceCount = 0;
      for (let t = 0; t < small.truth.nt; t++) {
        for (let y = 0; y < small.truth.ny; y++) {
          for (let x = 0; x < small.truth.nx; x++) {
            const v = small.truth.value(0, t, y, x);
            if (Number.isNaN(v)) continue;
            sourceSum += v;
            sourceCount++;
          }
        }
      }
      const totals = await duckQuery(datasetSql(root, "sum(tp) AS s, sum(count) AS n"));
      expect(Number(totals[0]?.n)).toBe(sourceCount);
      expect(Number(totals[0]?.s)).toBeCloseTo(sourceSum, 6);
    }
  });
});

describe("coarse grid sampled at cell centres (cells smaller than pixels)", () => {
  it("every cell whose centre lies on the grid gets the pixel under it, none empty or doubled", async () => {
    const c = coarseRegional();
    const root = await tempDir();
    const summary = await computeProject(
      {
        refs: c.dataset.refs,
        read: chunkReader(c.dataset.refs, c.dataset.sources),
        output: new LocalOutput(root),
      },
      { variables: ["pr"], resolution: 4 },
    );
    expect(summary.method).toBe("sample");
    const expected = bruteSample(c.truth, 4, c.axes);
    expect(expected.size).toBeGreaterThan(1000);
    await expectOutputEquals(root, "h4", ["pr"], expected);
    expect(Object.keys(await duckTypes(root))).not.toContain("count");
  });
});
