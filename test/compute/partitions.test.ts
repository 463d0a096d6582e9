/**
 * Output files sized for analytics: one file per hive partition (h0 cell x time window), split into data_0..k
 * only past maxRowsPerFile; every row equal to brute force; cell and time statistics in every row group; a
 * rerun after a killed one replaces a partition (stale files of the partition go); --unit / --bbox select
 * exactly their units and wipe only theirs; the h0 layout gives one unit per h0 cell, in base cell order.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cellToBoundary, getRes0Cells } from "h3-js";
import { afterAll, describe, expect, it } from "vitest";
import type { ComputeConfig } from "../../compute/config.js";
import { LocalOutput } from "../../compute/io/output.js";
import { computeProject } from "../../compute/run.js";
import { listUnits } from "../../compute/units/listing.js";
import { readAllRecords } from "../../compute/units/record.js";
import { inShard } from "../../compute/units/shard.js";
import { bruteAggregate } from "./helpers/brute.js";
import { coarseRegional, hourlyGrid } from "./helpers/cases.js";
import { expectOutputEquals } from "./helpers/compare.js";
import { datasetSql, duckQuery } from "./helpers/duck.js";
import { chunkReader } from "./helpers/reader.js";
import { snapshot } from "./helpers/snapshot.js";

const c = hourlyGrid(2, 6, [2, 30, 60]);
const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "refs-partitions-"));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

let reads = 0;
const read = chunkReader(c.dataset.refs, c.dataset.sources);
const io = (root: string) => ({
  refs: c.dataset.refs,
  read: (path: string, region: { start: number[]; stop: number[] }) => {
    if (region.start.length > 1) reads++;
    return read(path, region);
  },
  output: new LocalOutput(root),
});
const base: ComputeConfig = { variables: ["tp", "t2m"], resolution: 2, timePartition: "day" };
const expected = bruteAggregate(c.truth, 2, "mean");

/** Rows per partition folder and the files in it, from the output itself (DuckDB). */
async function partitions(root: string) {
  const rows = await duckQuery(
    `SELECT regexp_replace(filename, '/[^/]*$', '') AS dir, regexp_extract(filename, '[^/]*$') AS file, count(*) AS n
     FROM read_parquet('${root}/**/*.parquet', filename = true) GROUP BY ALL ORDER BY dir, file`,
  );
  const out = new Map<string, { file: string; n: number }[]>();
  for (const r of rows) {
    const dir = String(r.dir).slice(root.length + 1);
    out.set(dir, [...(out.get(dir) ?? []), { file: String(r.file), n: Number(r.n) }]);
  }
  return out;
}

describe("partition files", { timeout: 120_000 }, () => {
  it("one data_0.parquet per (h0 cell, day) holding rows, equal to brute force; h2 and time stats in every row group", async () => {
    const root = await tempDir();
    const summary = await computeProject(io(root), { ...base, rowGroupSize: 50 }, { mappingThreads: 0 });
    const parts = await partitions(root);
    // the partitions are exactly the (h0, day) pairs of the brute-force rows
    const want = new Set(
      [...expected.values()].map(
        (r) =>
          `h0=${(((r.cell >> 45n) & 0x7fn) * 2n ** 45n + (1n << 59n) + 2n ** 45n - 1n).toString(16)}/date=${new Date(Number((r.time as bigint) / 1000n)).toISOString().slice(0, 10)}`,
      ),
    );
    expect(new Set(parts.keys())).toEqual(want);
    for (const files of parts.values()) expect(files.map((f) => f.file)).toEqual(["data_0.parquet"]);
    expect(summary.files).toBe(want.size);
    await expectOutputEquals(root, "h2", ["tp", "t2m"], expected, {
      float32: [false, true],
      withCount: true,
    });
    const groups = await duckQuery(
      `SELECT path_in_schema AS col, stats_min_value AS lo, stats_max_value AS hi
       FROM parquet_metadata('${root}/**/*.parquet') WHERE path_in_schema IN ('h2', 'time')`,
    );
    expect(groups.length).toBeGreaterThan(2 * want.size);
    for (const g of groups) {
      expect(g.lo, String(g.col)).not.toBeNull();
      expect(g.hi, String(g.col)).not.toBeNull();
    }
  });

  it("units alone or grouped read each shared block once and write byte for byte the same files", async () => {
    const alone = await tempDir();
    reads = 0;
    await computeProject(io(alone), base, { mappingThreads: 0, groupRows: 0 });
    const readsAlone = reads;
    const grouped = await tempDir();
    reads = 0;
    // the budget of rows held at once splits the units into several groups
    await computeProject(io(grouped), base, { mappingThreads: 0, groupRows: 20_000 });
    const readsGrouped = reads;
    expect(await snapshot(grouped)).toEqual(await snapshot(alone));
    // blocks several groups need are read once for all of them (compute/shared-blocks.ts), units alone (each its
    // own group; 1,512 reads before) or grouped: no more reads than one group makes (bound below)
    expect(readsAlone).toBeLessThanOrEqual(9 * 3 * 2 * 2);
    expect(readsGrouped).toBeLessThanOrEqual(9 * 3 * 2 * 2);
    reads = 0;
    const one = await tempDir();
    await computeProject(io(one), base, { mappingThreads: 0, groupRows: 1e12 });
    // one group per day: every (block, time chunk, variable) is read once, in at most two column intervals
    // (a halo wrapping around the globe); 90 x 180 pixels in 30 x 60 chunks are 9 blocks, 6 hours in chunks
    // of 2 over two days are 3 time slices
    expect(reads).toBeLessThanOrEqual(9 * 3 * 2 * 2);
    expect(await snapshot(one)).toEqual(await snapshot(alone));
  });

  it("a partition over maxRowsPerFile is split into data_0..k of at most that many rows, balanced", async () => {
    const root = await tempDir();
    await computeProject(io(root), { ...base, maxRowsPerFile: 100 }, { mappingThreads: 0 });
    const parts = await partitions(root);
    let split = 0;
    for (const files of parts.values()) {
      const total = files.reduce((s, f) => s + f.n, 0);
      const k = Math.ceil(total / 100);
      expect(files.map((f) => f.file).sort()).toEqual(
        Array.from({ length: k }, (_, i) => `data_${i}.parquet`).sort(),
      );
      for (const f of files) expect(f.n).toBeLessThanOrEqual(100);
      for (const f of files) expect(f.n).toBeGreaterThanOrEqual(Math.floor(total / k));
      if (k > 1) split++;
    }
    expect(split).toBeGreaterThan(3);
    await expectOutputEquals(root, "h2", ["tp", "t2m"], expected, {
      float32: [false, true],
      withCount: true,
    });
  });

  it("a rerun of a unit killed after writing part of a partition replaces it: no stale or doubled rows", async () => {
    const root = await tempDir();
    const config = { ...base, maxRowsPerFile: 100 };
    await computeProject(io(root), config, { mappingThreads: 0 });
    const clean = await snapshot(root);
    // what a kill leaves: a unit without its record, a file of an earlier, larger split, a temporary file
    const records = await readAllRecords(new LocalOutput(root));
    const victim = [...records.values()].find((r) => r.files.length > 1);
    expect(victim).toBeDefined();
    const dir = victim?.files[0]?.path.replace(/\/[^/]*$/, "") as string;
    await rm(join(root, "_units", `${victim?.unit}.json`));
    await writeFile(join(root, dir, "data_0.parquet"), "torn");
    const { readFile } = await import("node:fs/promises");
    await writeFile(
      join(root, dir, "data_57.parquet"),
      await readFile(join(root, victim?.files[1]?.path as string)),
    );
    await writeFile(join(root, dir, "data_0.parquet.123-abcd.tmp"), "half");
    const rerun = await computeProject(io(root), config, { mappingThreads: 0 });
    expect(rerun.unitsRun).toBe(1);
    const after = await snapshot(root);
    delete after[`${dir}/data_0.parquet.123-abcd.tmp`];
    expect(after).toEqual(clean);
    await expectOutputEquals(root, "h2", ["tp", "t2m"], expected, {
      float32: [false, true],
      withCount: true,
    });
  });

  it("--unit and --bbox run exactly their units; wipe with a selection deletes only the selected", async () => {
    const root = await tempDir();
    const all = await listUnits(io(root), base);
    const ids = all.units.filter((u) => u.valid).map((u) => u.id);
    const picked = [ids[3], ids[40]] as string[];
    const one = await computeProject(io(root), base, { mappingThreads: 0, units: picked });
    expect(one.unitsRun).toBe(2);
    expect([...(await readAllRecords(new LocalOutput(root))).keys()].sort()).toEqual([...picked].sort());
    await expect(computeProject(io(root), base, { units: ["nope"] })).rejects.toThrow(/no unit nope/);
    // by area: units whose h0 cell's bounds meet the box, the h0 cells' outlines checked by h3-js
    const box: [number, number, number, number] = [10, 40, 20, 50];
    const boxed = await computeProject(io(root), base, { mappingThreads: 0, bbox: box });
    const inBox = all.units.filter((u) => {
      const [w, s, e, n] = u.bounds;
      return s <= 50 && n >= 40 && (w <= e ? w <= 20 && e >= 10 : w <= 20 || e >= 10);
    });
    expect(boxed.unitsSelected).toBe(inBox.length);
    const outline = (cell: string) => cellToBoundary(cell, true) as [number, number][];
    for (const cell of getRes0Cells()) {
      // a vertex in the box means the h0 cell meets it: its units must be selected
      if (outline(cell).some(([lng, lat]) => lng >= 10 && lng <= 20 && lat >= 40 && lat <= 50))
        expect(inBox.some((u) => u.h0 === cell)).toBe(true);
    }
    const listed = await listUnits(io(root), base);
    const done = listed.units.filter((u) => u.state === "done").map((u) => u.id);
    expect(done.sort()).toEqual([...new Set([...picked, ...inBox.map((u) => u.id)])].sort());
    const before = await snapshot(root);
    const recordsBefore = await readAllRecords(new LocalOutput(root));
    await new Promise((r) => setTimeout(r, 5));
    await computeProject(io(root), base, { mappingThreads: 0, units: [picked[0] as string], wipe: true });
    const after = await snapshot(root);
    expect(after).toEqual(before); // wiped and recomputed: the same files
    // only the selected unit was wiped and rerun: every other record is the very same one
    const recordsAfter = await readAllRecords(new LocalOutput(root));
    for (const [id, r] of recordsAfter) {
      if (id === picked[0]) expect(r.finishedAt).not.toBe(recordsBefore.get(id)?.finishedAt);
      else expect(r.finishedAt).toBe(recordsBefore.get(id)?.finishedAt);
    }
    await computeProject(io(root), base, { mappingThreads: 0, units: [picked[1] as string], wipe: true });
    expect(Object.keys(await snapshot(root)).length).toBe(Object.keys(before).length);
  });

  it("layout h0: one unit per h0 cell in base cell order, shard i of 122 runs unit i; h0 cells without data read nothing", async () => {
    const root = await tempDir();
    const config: ComputeConfig = { ...base, units: "h0" };
    const plan = await listUnits(io(root), config);
    expect(plan.units.map((u) => u.id)).toEqual(plan.units.map((u) => u.h0));
    expect(plan.units.length).toBe(122);
    for (let i = 0; i < 122; i += 17) {
      expect(inShard(plan.units, { index: i, count: 122 }).map((u) => u.id)).toEqual([plan.units[i]?.id]);
    }
    const valid = plan.units.findIndex((u) => u.valid);
    reads = 0;
    const run = await computeProject(io(root), config, {
      mappingThreads: 0,
      shard: { index: valid, count: 122 },
    });
    expect(run.unitsRun).toBe(1);
    expect(reads).toBeGreaterThan(0);
    const data = await readAllRecords(new LocalOutput(root));
    const record = data.get(plan.units[valid]?.id as string);
    // both days of the h0 cell in one unit, as two partitions (the second day is all fill: no file)
    expect(record?.files.map((f) => f.path.replace(/^h0=[0-9a-f]+\//, ""))).toEqual([
      "date=2022-01-30/data_0.parquet",
    ]);
    const rows = await duckQuery(datasetSql(root, "count(*) AS n"));
    expect(Number(rows[0]?.n)).toBe(record?.rows);
  });

  it("an h0 cell the grid does not reach is listed as not valid and finishes at once, reading nothing", async () => {
    const root = await tempDir();
    // a regional grid (Europe, 50-60N 10W-10E) reaches few of the 122 h0 cells
    const r = coarseRegional();
    let regionalReads = 0;
    const inner = chunkReader(r.dataset.refs, r.dataset.sources);
    const rio = {
      refs: r.dataset.refs,
      read: (path: string, region: { start: number[]; stop: number[] }) => {
        if (region.start.length > 1) regionalReads++;
        return inner(path, region);
      },
      output: new LocalOutput(root),
    };
    const config: ComputeConfig = { variables: ["pr"], resolution: 4, units: "h0" };
    const plan = await listUnits(rio, config);
    const valid = plan.units.filter((u) => u.valid);
    expect(valid.length).toBeGreaterThan(0);
    expect(valid.length).toBeLessThan(10);
    const invalid = plan.units.findIndex((u) => !u.valid);
    const started = performance.now();
    const run = await computeProject(rio, config, {
      mappingThreads: 0,
      shard: { index: invalid, count: 122 },
    });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(run.unitsRun).toBe(1);
    expect(run.rows).toBe(0);
    expect(regionalReads).toBe(0);
    const all = await computeProject(rio, config, { mappingThreads: 0 });
    // every row lies in a valid unit's h0 cell
    const h0s = await duckQuery(datasetSql(root, "DISTINCT h0"));
    const validIds = new Set(valid.map((u) => u.h0));
    for (const h of h0s) expect(validIds.has(String(h.h0))).toBe(true);
    expect(all.rows).toBeGreaterThan(0);
  });
});
