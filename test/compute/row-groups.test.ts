/** Files are sorted by cell then time and cut into row groups whose cell min/max statistics do not overlap. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { LocalOutput } from "../../compute/io/output.js";
import { computeProject } from "../../compute/run.js";
import { hourlyGrid } from "./helpers/cases.js";
import { duckQuery } from "./helpers/duck.js";
import { chunkReader } from "./helpers/reader.js";

it("row groups of a file cover ascending, non-overlapping cell ranges; rows sorted by cell then time", async () => {
  const c = hourlyGrid(2, 6, [6, 90, 180], []);
  const root = await mkdtemp(join(tmpdir(), "refs-compute-"));
  try {
    await computeProject(
      {
        refs: c.dataset.refs,
        read: chunkReader(c.dataset.refs, c.dataset.sources),
        output: new LocalOutput(root),
      },
      { variables: ["tp"], resolution: 2, timePartition: "none", rowGroupSize: 50 },
      { mappingThreads: 0 },
    );
    const groups = await duckQuery(
      `SELECT file_name, row_group_id, stats_min_value AS lo, stats_max_value AS hi, compression
       FROM parquet_metadata('${root}/**/*.parquet') WHERE path_in_schema = 'h2' ORDER BY file_name, row_group_id`,
    );
    expect(groups.length).toBeGreaterThan(20);
    expect(new Set(groups.map((g) => g.compression))).toEqual(new Set(["ZSTD"]));
    let previous: { file: unknown; hi: bigint } | undefined;
    for (const g of groups) {
      const lo = BigInt(String(g.lo));
      const hi = BigInt(String(g.hi));
      expect(lo <= hi).toBe(true);
      if (previous && previous.file === g.file_name) expect(previous.hi <= lo).toBe(true);
      previous = { file: g.file_name, hi };
    }
    const unsorted = await duckQuery(
      `SELECT count(*) AS n FROM (
         SELECT h2, time, lag(h2) OVER (PARTITION BY filename ORDER BY file_row_number) AS ph,
                lag(time) OVER (PARTITION BY filename ORDER BY file_row_number) AS pt
         FROM read_parquet('${root}/**/*.parquet', filename = true, file_row_number = true))
       WHERE ph > h2 OR (ph = h2 AND pt >= time)`,
    );
    expect(Number(unsorted[0]?.n)).toBe(0);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
