/**
 * compute.rollups: false writes the same data files with no rollup beside them and records none; the default
 * writes one per data file, byte for byte the rollup of that file's rows as read back (compute finds the groups
 * while laying out the rows, the rollup of read-back rows finds them from the columns); a value other than a
 * boolean is refused naming the setting.
 */

import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LocalOutput } from "../../compute/io/output.js";
import type { H3Columns } from "../../compute/parquet/writer.js";
import { encodeRollup } from "../../compute/rollups/index.js";
import { computeProject } from "../../compute/run.js";
import { hourlyGrid } from "./helpers/cases.js";
import { duckQuery, micros } from "./helpers/duck.js";
import ioFor from "./helpers/io-module.js";
import { chunkReader } from "./helpers/reader.js";
import { snapshot } from "./helpers/snapshot.js";

const config = { variables: ["tp", "t2m"], resolution: 2 };
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function run(extra: Record<string, unknown>): Promise<Record<string, string>> {
  const root = await mkdtemp(join(tmpdir(), "refs-rollups-setting-"));
  dirs.push(root);
  await computeProject(await ioFor({ name: "hourly", root }), { ...config, ...extra }, { mappingThreads: 0 });
  return snapshot(root);
}

/** A data file's columns as DuckDB reads them back (null as NaN), in the file's row order. */
async function readBack(file: string): Promise<H3Columns> {
  const types = await duckQuery(`DESCRIBE SELECT * FROM read_parquet('${file}', hive_partitioning = false)`);
  const cellColumn = String(types[0]?.column_name);
  const valueNames = types.map((t) => String(t.column_name)).filter((c) => c !== cellColumn && c !== "time");
  const rows = await duckQuery(`SELECT * FROM read_parquet('${file}', hive_partitioning = false)`);
  return {
    cellColumn,
    cells: BigUint64Array.from(rows, (r) => r[cellColumn] as bigint),
    time: BigInt64Array.from(rows, (r) => micros(r.time) as bigint),
    values: valueNames.map((name) => ({
      name,
      type: types.find((t) => t.column_name === name)?.column_type === "FLOAT" ? "float32" : "float64",
      data: Float64Array.from(rows, (r) => (r[name] === null ? Number.NaN : Number(r[name]))),
    })),
  };
}

describe("compute.rollups", () => {
  it("false: the same data files, no rollups written or recorded; default: one per data file", async () => {
    const on = await run({});
    const off = await run({ rollups: false });
    const data = (s: Record<string, string>) => Object.keys(s).filter((p) => p.endsWith(".parquet"));
    expect(data(on).length).toBeGreaterThan(0);
    expect(Object.keys(on).filter((p) => p.endsWith(".rollup"))).toEqual(data(on).map((p) => `${p}.rollup`));
    expect(Object.keys(off).filter((p) => p.endsWith(".rollup"))).toEqual([]);
    expect(data(off)).toEqual(data(on));
    for (const p of data(on)) expect(off[p], p).toBe(on[p]);
    for (const [p, text] of Object.entries(off))
      if (p.startsWith("_units/"))
        for (const f of (JSON.parse(text) as { files: { rollup?: unknown }[] }).files)
          expect(f.rollup).toBeUndefined();
  }, 120_000);

  it("each rollup is the rollup of its data file's rows, also for files that start inside a cell", async () => {
    // 30 hours from 20:00 with no all-fill hour: every cell meets three UTC days; files of at most 100 rows, so
    // most begin and end inside a cell's hours
    const c = hourlyGrid(8, 30, [5, 23, 45], []);
    const root = await mkdtemp(join(tmpdir(), "refs-rollups-rows-"));
    dirs.push(root);
    const io = {
      refs: c.dataset.refs,
      read: chunkReader(c.dataset.refs, c.dataset.sources),
      output: new LocalOutput(root),
    };
    await computeProject(io, { ...config, maxRowsPerFile: 100 }, { mappingThreads: 0 });
    const data = Object.keys(await snapshot(root)).filter((p) => p.endsWith(".parquet"));
    expect(data.length).toBeGreaterThan(10);
    let daysPerCell = 0;
    for (const path of data) {
      const columns = await readBack(join(root, path));
      expect(new Set(columns.values.map((v) => v.name))).toEqual(new Set(["tp", "t2m"]));
      const fromRows = await encodeRollup(path, columns, 65536);
      const written = await readFile(join(root, `${path}.rollup`));
      expect(createHash("sha256").update(written).digest("hex"), path).toBe(fromRows?.sha256);
      const [most] = await duckQuery(
        `SELECT max(n)::INTEGER AS n FROM (SELECT count(*) AS n FROM read_parquet('${join(root, `${path}.rollup`)}') WHERE "rollup:level" = 0 GROUP BY ${columns.cellColumn})`,
      );
      daysPerCell = Math.max(daysPerCell, Number(most?.n));
    }
    expect(daysPerCell).toBe(3);
  }, 120_000);

  it("a value other than true or false is refused, naming the setting", async () => {
    await expect(run({ rollups: "yes" })).rejects.toThrow(/rollups.*true or false/);
  });
});
