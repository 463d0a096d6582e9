/** ERA5's layout puts pixel centres on both poles (latitude 90..-90 inclusive); both methods must cover them. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LocalOutput } from "../../compute/io/output.js";
import { computeProject } from "../../compute/run.js";
import { bruteAggregate, bruteSample, type Truth } from "./helpers/brute.js";
import { hash01 } from "./helpers/cases.js";
import { expectOutputEquals } from "./helpers/compare.js";
import { buildDataset } from "./helpers/dataset.js";
import { chunkReader } from "./helpers/reader.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const ny = 19;
const nx = 36;
const lat = Float64Array.from({ length: ny }, (_, i) => 90 - i * 10);
const lon = Float64Array.from({ length: nx }, (_, i) => i * 10);
const values = Float64Array.from({ length: ny * nx }, (_, k) => (hash01(k) < 0.1 ? -1 : hash01(k + 9) * 10));
const dataset = buildDataset({
  lat: { dims: ["lat"], shape: [ny], dtype: "<f8", data: lat, attrs: { units: "degrees_north" } },
  lon: { dims: ["lon"], shape: [nx], dtype: "<f8", data: lon, attrs: { units: "degrees_east" } },
  v: {
    dims: ["lat", "lon"],
    shape: [ny, nx],
    chunks: [7, 12],
    dtype: "<f8",
    data: values,
    attrs: { _FillValue: -1 },
  },
});
const truth: Truth = {
  ny,
  nx,
  nt: 1,
  nv: 1,
  centre: (y, x) => [lat[y] as number, lon[x] as number],
  value: (_, __, y, x) => {
    const v = values[y * nx + x] as number;
    return v === -1 ? Number.NaN : v;
  },
};

async function run(resolution: number, method: "aggregate" | "sample") {
  const root = await mkdtemp(join(tmpdir(), "refs-compute-"));
  dirs.push(root);
  const summary = await computeProject(
    { refs: dataset.refs, read: chunkReader(dataset.refs, dataset.sources), output: new LocalOutput(root) },
    { variables: ["v"], resolution, method },
    { mappingThreads: 0 },
  );
  expect(summary.unitsTotal).toBe(122); // one unit per h0 cell (no time)
  return root;
}

describe("a global grid with pixel centres on the poles", () => {
  it("aggregates at resolution 0 exactly as h3-js per pixel", async () => {
    const root = await run(0, "aggregate");
    await expectOutputEquals(root, "h0", ["v"], bruteAggregate(truth, 0, "mean"), {
      withCount: true,
      withTime: false,
    });
  });

  it("samples every cell of the globe at resolution 2, polar caps included", async () => {
    const root = await run(2, "sample");
    const expected = bruteSample(truth, 2, { lat0: 90, dlat: -10, lon0: 0, dlon: 10 }, true);
    await expectOutputEquals(root, "h2", ["v"], expected, { withTime: false });
  });
});
