/**
 * Variables with an extra dimension: a (time, level, lat, lon) NetCDF4 written by h5wasm (levels chunked two by
 * two, so one chunk holds several levels), scanned by the HDF5 scanner, computed through the references. Without
 * a selection each level is its own column; with one, the selected level is the variable's column. Expected rows
 * are a brute force (h3-js per pixel centre) over the values h5wasm reads back.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import h5wasm from "h5wasm/node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ComputeConfig } from "../../compute/config.js";
import { ComputeConfigError } from "../../compute/errors.js";
import { LocalOutput } from "../../compute/io/output.js";
import { referenceReader } from "../../compute/read.js";
import { computeProject } from "../../compute/run.js";
import { readAllRecords, type UnitRecord } from "../../compute/units/record.js";
import { EXIT } from "../../pipelines/cli/command.js";
import { main } from "../../pipelines/cli/main.js";
import { catalogPhase } from "../../pipelines/phases/catalog/catalog-phase.js";
import { defaultConfig, validateConfig } from "../../pipelines/project/config.js";
import { Workspace } from "../../pipelines/project/workspace.js";
import type { ReferenceSet } from "../../refs/model/reference-set.js";
import { FileSource } from "../../refs/storage/file.js";
import { scanHdf5 } from "../../scanner/hdf5/scan.js";
import { haveFixtures } from "../fixtures.js";
import { bruteAggregate, bruteSample, type Truth } from "./helpers/brute.js";
import { hash01 } from "./helpers/cases.js";
import { expectOutputEquals } from "./helpers/compare.js";
import { buildDataset } from "./helpers/dataset.js";
import { datasetSql, duckQuery, duckTypes } from "./helpers/duck.js";
import { chunkReader } from "./helpers/reader.js";

const NT = 2;
const LEVELS = [1000, 850, 500];
const NY = 36;
const NX = 72;
const FILL = -32767;

let dir = "";
let path = "";
let refs: ReferenceSet;

function rawT(k: number): number {
  // Level 1000 is missing over a block of pixels where the other levels have values: those rows must stay.
  const x = k % NX;
  const y = Math.floor(k / NX) % NY;
  const level = Math.floor(k / (NX * NY)) % LEVELS.length;
  if (level === 0 && y < 4 && x < 8) return FILL;
  return hash01(k) < 0.1 ? FILL : Math.floor(hash01(k + 3) * 30000) - 15000;
}

async function writeFile(file: string): Promise<void> {
  await h5wasm.ready;
  const f = new h5wasm.File(file, "w");
  const scale = (name: string, data: Float64Array, attrs: Record<string, string>) => {
    const d = f.create_dataset({ name, data, shape: [data.length] });
    d.make_scale(name);
    for (const [k, v] of Object.entries(attrs)) d.create_attribute(k, v);
  };
  scale("time", Float64Array.from([0, 6]), { units: "hours since 2022-01-01 00:00:00" });
  scale("level", Float64Array.from(LEVELS), { units: "hPa" });
  scale(
    "latitude",
    Float64Array.from({ length: NY }, (_, i) => 87.5 - i * 5),
    { units: "degrees_north" },
  );
  scale(
    "longitude",
    Float64Array.from({ length: NX }, (_, i) => i * 5),
    { units: "degrees_east" },
  );
  const n = NT * LEVELS.length * NY * NX;
  const t = f.create_dataset({
    name: "t",
    data: Int16Array.from({ length: n }, (_, k) => rawT(k)),
    shape: [NT, LEVELS.length, NY, NX],
    chunks: [1, 2, 18, 36],
    compression: "gzip",
    compression_opts: 4,
  });
  const q = f.create_dataset({
    name: "q",
    data: Float32Array.from({ length: n }, (_, k) => (hash01(k + 11) < 0.1 ? Number.NaN : hash01(k + 13))),
    shape: [NT, LEVELS.length, NY, NX],
    chunks: [1, 3, 36, 72],
  });
  for (const v of [t, q]) {
    ["/time", "/level", "/latitude", "/longitude"].forEach((s, d) => {
      v.attach_scale(d, s);
    });
  }
  t.create_attribute("scale_factor", new Float64Array([0.002]));
  t.create_attribute("add_offset", new Float64Array([250]));
  t.create_attribute("_FillValue", new Int16Array([FILL]));
  f.close();
}

/** Per variable, values[level][t][y][x] decoded from what h5wasm reads back. */
function truth(variables: ("t" | "q")[], levels: number[]): Truth {
  const f = new h5wasm.File(path, "r");
  const get = (name: string) => Array.from((f.get(name) as { value: ArrayLike<number> }).value);
  const lat = get("latitude");
  const lon = get("longitude");
  const data = { t: get("t"), q: get("q") };
  f.close();
  const columns = variables.flatMap((v) => levels.map((l) => [v, l] as const));
  return {
    ny: NY,
    nx: NX,
    nt: NT,
    nv: columns.length,
    centre: (y, x) => [lat[y] as number, lon[x] as number],
    value: (c, t, y, x) => {
      const [v, l] = columns[c] as readonly ["t" | "q", number];
      const raw = data[v][((t * LEVELS.length + l) * NY + y) * NX + x] as number;
      if (v === "q") return raw;
      return raw === FILL ? Number.NaN : raw * 0.002 + 250;
    },
    time: (t) => BigInt(Date.UTC(2022, 0, 1, 6 * t)) * 1000n,
  };
}

async function run(config: Partial<ComputeConfig>, name: string): Promise<string> {
  const root = join(dir, name);
  await computeProject(
    { refs, read: referenceReader(refs, (url) => new FileSource(url)), output: new LocalOutput(root) },
    { variables: ["t"], resolution: 1, ...config },
    { mappingThreads: 0 },
  );
  return root;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "refs-compute-levels-"));
  path = join(dir, "levels.nc");
  await writeFile(path);
  const scan = await scanHdf5(new FileSource(path), path, { inlineThreshold: 0 });
  expect(scan.issues).toEqual([]);
  refs = scan.refs;
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("a (time, level, lat, lon) NetCDF4 through the HDF5 scanner", () => {
  it("gives one column per level, per variable, each equal to brute force; rows kept when any column has a value", async () => {
    const root = await run({ variables: ["t", "q"] }, "all-levels");
    const columns = ["t_level1000", "t_level850", "t_level500", "q_level1000", "q_level850", "q_level500"];
    await expectOutputEquals(root, "h1", columns, bruteAggregate(truth(["t", "q"], [0, 1, 2]), 1, "mean"), {
      withCount: true,
      float32: [false, false, false, true, true, true],
    });
    // Cells where level 1000 is missing and the others are not: rows with a null column.
    const partial = await duckQuery(
      datasetSql(root, "count(*) AS n") + " WHERE t_level1000 IS NULL AND t_level850 IS NOT NULL",
    );
    expect(Number(partial[0]?.n)).toBeGreaterThan(0);
    expect(await duckTypes(root)).toMatchObject({
      h1: "UBIGINT",
      time: "TIMESTAMP WITH TIME ZONE",
      t_level1000: "DOUBLE",
      t_level850: "DOUBLE",
      t_level500: "DOUBLE",
      q_level1000: "FLOAT",
      q_level850: "FLOAT",
      q_level500: "FLOAT",
      count: "UINTEGER",
    });
  });

  it("records what each column is in the completion record and in the Parquet footer", async () => {
    const root = await run({ variables: ["t", "q"] }, "all-levels");
    const record = await someRecordWithRows(root);
    expect(record.columns?.t_level850).toEqual({ variable: "t", dims: { level: { index: 1, value: 850 } } });
    expect(record.columns?.q_level500).toEqual({ variable: "q", dims: { level: { index: 2, value: 500 } } });
    expect(Object.keys(record.stats).sort()).toEqual(
      ["q_level1000", "q_level500", "q_level850", "t_level1000", "t_level500", "t_level850"].sort(),
    );
    const kv = await duckQuery(
      `SELECT decode(value) AS v FROM parquet_kv_metadata('${root}/**/*.parquet') WHERE decode(key) = 'refs:columns'`,
    );
    expect(kv.length).toBeGreaterThan(0);
    for (const row of kv) expect(JSON.parse(String(row.v))).toEqual(record.columns);
  });

  it("units follow the time, lat and lon chunks; a level chunk holding two levels is read whole", async () => {
    const reads: string[] = [];
    const root = join(dir, "units");
    const inner = referenceReader(refs, (url) => new FileSource(url));
    const summary = await computeProject(
      {
        refs,
        read: (p, region) => {
          reads.push(`${p}:${region.start.join(",")}-${region.stop.join(",")}`);
          return inner(p, region);
        },
        output: new LocalOutput(root),
      },
      { variables: ["t"], resolution: 1 },
      { mappingThreads: 0 },
    );
    expect(summary.unitsTotal).toBe(122); // one partition per h0 cell: the hours fit one window
    // Every read of t spans all three levels (columns of one variable are read in one region).
    const tReads = reads.filter((r) => r.startsWith("t:"));
    expect(tReads.length).toBeGreaterThan(0);
    for (const r of tReads) expect(r).toMatch(/^t:\d+,0,\d+,\d+-\d+,3,\d+,\d+$/);
  });

  it("selects a level by coordinate value: the column keeps the variable's name", async () => {
    const root = await run({ select: { level: 850 } }, "level850");
    await expectOutputEquals(root, "h1", ["t"], bruteAggregate(truth(["t"], [1]), 1, "mean"), {
      withCount: true,
    });
    const record = await someRecordWithRows(root);
    expect(record.columns).toEqual({ t: { variable: "t", dims: { level: { index: 1, value: 850 } } } });
  });

  it("selects a level by index (and a value given as text, as the CLI passes it)", async () => {
    const byIndex = await run({ select: { level: { index: 2 } } }, "index2");
    await expectOutputEquals(byIndex, "h1", ["t"], bruteAggregate(truth(["t"], [2]), 1, "mean"), {
      withCount: true,
    });
    const byText = await run({ select: { level: "1000" } }, "text1000");
    await expectOutputEquals(byText, "h1", ["t"], bruteAggregate(truth(["t"], [0]), 1, "mean"), {
      withCount: true,
    });
  });

  it("names the variable, the dimension and the available values when a selection is not there", async () => {
    const error = await run({ select: { level: 825 } }, "missing").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComputeConfigError);
    expect((error as ComputeConfigError).field).toBe("select.level");
    expect((error as Error).message).toMatch(/variable t has no level = 825 \(available: 1000, 850, 500/);
    await expect(run({ select: { level: { index: 3 } } }, "missing-index")).rejects.toThrow(
      /variable t has 3 elements along level: index 3 is not there \(0\.\.2\)/,
    );
    await expect(run({ select: { depth: 5 } }, "unknown-dim")).rejects.toThrow(
      /select\.depth: t has no extra dimension depth \(extra dimensions: level;/,
    );
    await expect(run({ select: { latitude: 5 } }, "spatial-dim")).rejects.toThrow(ComputeConfigError);
    await expect(run({ select: { level: "high" } }, "text")).rejects.toThrow(
      /select\.level: must be a coordinate/,
    );
  });
});

describe("the project setting compute.select and refs compute --select", () => {
  async function cli(...argv: string[]): Promise<{ code: number; err: string }> {
    const err: string[] = [];
    const spy = vi
      .spyOn(console, "error")
      .mockImplementation((...a: unknown[]) => void err.push(a.join(" ")));
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      return { code: await main(argv), err: err.join("\n") };
    } finally {
      spy.mockRestore();
      log.mockRestore();
    }
  }

  it("validates compute.select in project.json, naming the field", () => {
    const base = { name: "p", sources: ["a.nc"] };
    expect(
      validateConfig({ ...base, compute: { select: { level: 850, number: "3", band: { index: 0 } } } }, "f")
        .compute.select,
    ).toEqual({ level: 850, number: "3", band: { index: 0 } });
    expect(() => validateConfig({ ...base, compute: { select: { level: "high" } } }, "f")).toThrow(
      /compute\.select\.level/,
    );
    expect(() => validateConfig({ ...base, compute: { select: { level: { index: -1 } } } }, "f")).toThrow(
      /compute\.select\.level\.index/,
    );
  });

  it("computes the level the project selects, then the one --select names over it (on worker threads too)", async () => {
    const workdir = join(dir, "workdir");
    const ws = new Workspace(workdir, "levels");
    const config = defaultConfig("levels", [path]);
    config.compute.resolution = 1;
    config.compute.variables = ["t"];
    config.compute.select = { level: { index: 2 } };
    config.references.inlineThreshold = 0;
    await ws.saveConfig(config);
    expect((await cli("scan", "levels", "-q", "--workdir", workdir)).code).toBe(EXIT.ok);
    expect((await cli("compute", "levels", "-q", "--workdir", workdir)).code).toBe(EXIT.ok);
    await expectOutputEquals(ws.computeDir, "h1", ["t"], bruteAggregate(truth(["t"], [2]), 1, "mean"), {
      withCount: true,
    });
    const over = await cli(
      "compute",
      "levels",
      "-q",
      "--wipe",
      "--workers",
      "2",
      "--select",
      "level=850",
      "--workdir",
      workdir,
    );
    expect(over.code, over.err).toBe(EXIT.ok);
    await expectOutputEquals(ws.computeDir, "h1", ["t"], bruteAggregate(truth(["t"], [1]), 1, "mean"), {
      withCount: true,
    });
    const byIndex = await cli(
      "compute",
      "levels",
      "-q",
      "--wipe",
      "--select",
      "level[0]",
      "--workdir",
      workdir,
    );
    expect(byIndex.code, byIndex.err).toBe(EXIT.ok);
    await expectOutputEquals(ws.computeDir, "h1", ["t"], bruteAggregate(truth(["t"], [0]), 1, "mean"), {
      withCount: true,
    });
    const missing = await cli("compute", "levels", "--wipe", "--select", "level=825", "--workdir", workdir);
    expect(missing.code).not.toBe(EXIT.ok);
    expect(missing.err).toMatch(/variable t has no level = 825 \(available: 1000, 850, 500/);
    const bad = await cli("compute", "levels", "--select", "level", "--workdir", workdir);
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.err).toMatch(/--select: expected dim=value or dim\[index\], got "level"/);
  });
});

describe("the catalog over per-level columns", () => {
  // The STAC schemas sit next to the fixtures (the catalog validates every item against them).
  const schemasDir =
    process.env.REFS_STAC_SCHEMAS ?? resolve(import.meta.dirname, "..", "..", "..", "shared", "stac-schemas");

  it.skipIf(!haveFixtures)(
    "describes each level column in the partition items' table columns and statistics",
    async () => {
      const workdir = join(dir, "catalog-workdir");
      const ws = new Workspace(workdir, "levels");
      const config = defaultConfig("levels", [path]);
      config.compute.resolution = 1;
      config.compute.variables = ["t"];
      await ws.saveConfig(config);
      const quiet = { quiet: true, log: () => undefined };
      expect((await main(["scan", "levels", "-q", "--workdir", workdir])) as number).toBe(EXIT.ok);
      expect((await main(["compute", "levels", "-q", "--workdir", workdir])) as number).toBe(EXIT.ok);
      const { status } = await catalogPhase(ws, { ...quiet, schemasDir });
      expect(status.state).toBe("done");
      const folder = join(ws.catalogDir, "levels", "items");
      const partitions = (await readdir(folder)).filter((f) => !f.includes("references"));
      expect(partitions.length).toBeGreaterThan(0);
      const item = JSON.parse(await readFile(join(folder, partitions[0] as string), "utf8"));
      const names = (item.properties["table:columns"] as { name: string }[]).map((c) => c.name);
      expect(names).toEqual(expect.arrayContaining(["t_level1000", "t_level850", "t_level500"]));
      expect(typeof item.properties["stats:t_level850:mean"]).toBe("number");
    },
  );
});

describe("two extra dimensions around time: (member, time, level, lat, lon)", () => {
  const [NM, NTT, NL, NLAT, NLON] = [2, 3, 2, 10, 12];
  const n = NM * NTT * NL * NLAT * NLON;
  const data = Float64Array.from({ length: n }, (_, k) => (hash01(k + 99) < 0.2 ? Number.NaN : k));
  const dataset = buildDataset({
    time: {
      dims: ["time"],
      shape: [NTT],
      dtype: "<f8",
      data: [0, 1, 2],
      attrs: { units: "days since 2000-01-01" },
    },
    level: { dims: ["level"], shape: [NL], dtype: "<f8", data: [0.5, -10] },
    lat: {
      dims: ["lat"],
      shape: [NLAT],
      dtype: "<f8",
      data: Array.from({ length: NLAT }, (_, i) => 22.5 - i * 5),
      attrs: { units: "degrees_north" },
    },
    lon: {
      dims: ["lon"],
      shape: [NLON],
      dtype: "<f8",
      data: Array.from({ length: NLON }, (_, i) => 100 + i * 5),
      attrs: { units: "degrees_east" },
    },
    v: {
      dims: ["member", "time", "level", "lat", "lon"],
      shape: [NM, NTT, NL, NLAT, NLON],
      chunks: [1, 2, 1, 5, 6],
      dtype: "<f8",
      data,
      fillValue: "NaN",
    },
  });
  // Ensemble members labelled by text: not numeric, so they are named and selected by index.
  dataset.refs.metadata.set("member/.zarray", {
    ...dataset.refs.metadata.get("level/.zarray"),
    dtype: "<U8",
  });
  dataset.refs.metadata.set("member/.zattrs", { _ARRAY_DIMENSIONS: ["member"] });
  const at = (m: number, t: number, l: number, y: number, x: number) =>
    data[(((m * NTT + t) * NL + l) * NLAT + y) * NLON + x] as number;
  const truthOf = (pairs: [number, number][]): Truth => ({
    ny: NLAT,
    nx: NLON,
    nt: NTT,
    nv: pairs.length,
    centre: (y, x) => [22.5 - y * 5, 100 + x * 5],
    value: (c, t, y, x) => {
      const [m, l] = pairs[c] as [number, number];
      return at(m, t, l, y, x);
    },
    time: (t) => BigInt(Date.UTC(2000, 0, 1 + t)) * 1000n,
  });
  async function go(name: string, select?: ComputeConfig["select"], sample = false) {
    const root = join(dir, name);
    const summary = await computeProject(
      { refs: dataset.refs, read: chunkReader(dataset.refs, dataset.sources), output: new LocalOutput(root) },
      {
        variables: ["v"],
        resolution: sample ? 3 : 1,
        method: sample ? "sample" : "aggregate",
        ...(select ? { select } : {}),
      },
      { mappingThreads: 0 },
    );
    return { root, summary };
  }

  it("gives a column per (member, level), named in dimension order, sanitised; each equal to brute force", async () => {
    const { root, summary } = await go("two-dims");
    expect(summary.unitsTotal).toBe(122); // one partition per h0 cell; member/level whole
    const names = ["v_member0_level0_5", "v_member0_level_10", "v_member1_level0_5", "v_member1_level_10"];
    await expectOutputEquals(
      root,
      "h1",
      names,
      bruteAggregate(
        truthOf([
          [0, 0],
          [0, 1],
          [1, 0],
          [1, 1],
        ]),
        1,
        "mean",
      ),
      {
        withCount: true,
      },
    );
  });

  it("selects one dimension and keeps the other as columns", async () => {
    const { root } = await go("member1", { member: { index: 1 } });
    await expectOutputEquals(
      root,
      "h1",
      ["v_level0_5", "v_level_10"],
      bruteAggregate(
        truthOf([
          [1, 0],
          [1, 1],
        ]),
        1,
        "mean",
      ),
      {
        withCount: true,
      },
    );
    const both = await go("both", { member: 0, level: -10 });
    await expectOutputEquals(both.root, "h1", ["v"], bruteAggregate(truthOf([[0, 1]]), 1, "mean"), {
      withCount: true,
    });
  });

  it("samples cells smaller than pixels: every column takes the pixel under the cell centre", async () => {
    const { root, summary } = await go("sampled", { member: { index: 0 } }, true);
    expect(summary.method).toBe("sample");
    const axes = { lat0: 22.5, dlat: -5, lon0: 100, dlon: 5 };
    await expectOutputEquals(
      root,
      "h3",
      ["v_level0_5", "v_level_10"],
      bruteSample(
        truthOf([
          [0, 0],
          [0, 1],
        ]),
        3,
        axes,
      ),
      {
        withTime: true,
      },
    );
  });
});

/** A completion record of a unit that wrote rows. */
async function someRecordWithRows(root: string): Promise<UnitRecord> {
  const records = [...(await readAllRecords(new LocalOutput(root))).values()];
  const record = records.find((r) => r.rows > 0);
  expect(record).toBeDefined();
  return record as UnitRecord;
}
