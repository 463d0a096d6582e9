/**
 * Longitude axes that jump by 360: a regional grid across the antimeridian (170..179.5, -180..-170.5) aggregated
 * and sampled, and a global 0..360 axis relabelled -180..180 without rolling (0..179, -180..-1). Expected rows
 * come from h3-js per pixel centre (aggregate) and per cell centre (sample), exhaustively.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cellToLatLng, getResolution, gridDisk, latLngToCell } from "h3-js";
import { afterAll, describe, expect, it } from "vitest";
import { GridError } from "../../compute/errors.js";
import { detectGrid } from "../../compute/grid/detect.js";
import { LocalOutput } from "../../compute/io/output.js";
import { computeProject } from "../../compute/run.js";
import { bruteAggregate, type ExpectedRow, rowKey, type Truth } from "./helpers/brute.js";
import { hash01 } from "./helpers/cases.js";
import { expectOutputEquals } from "./helpers/compare.js";
import { buildDataset } from "./helpers/dataset.js";
import { datasetSql, duckQuery } from "./helpers/duck.js";
import { chunkReader } from "./helpers/reader.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function latLonCase(lat: number[], lon: number[], chunks: [number, number]) {
  const ny = lat.length;
  const nx = lon.length;
  const data = Float32Array.from({ length: ny * nx }, (_, k) =>
    hash01(k) < 0.1 ? Number.NaN : Math.round(hash01(k + 1) * 1000) / 8,
  );
  const dataset = buildDataset({
    lat: { dims: ["lat"], shape: [ny], dtype: "<f8", data: lat, attrs: { units: "degrees_north" } },
    lon: { dims: ["lon"], shape: [nx], dtype: "<f8", data: lon, attrs: { units: "degrees_east" } },
    v: { dims: ["lat", "lon"], shape: [ny, nx], chunks, dtype: "<f4", data, fillValue: "NaN" },
  });
  const truth: Truth = {
    ny,
    nx,
    nt: 1,
    nv: 1,
    centre: (y, x) => [lat[y] as number, lon[x] as number],
    value: (_, __, y, x) => data[y * nx + x] as number,
  };
  return { dataset, truth };
}

async function compute(c: ReturnType<typeof latLonCase>, resolution: number, method: "aggregate" | "sample") {
  const root = await mkdtemp(join(tmpdir(), "refs-compute-am-"));
  dirs.push(root);
  const summary = await computeProject(
    {
      refs: c.dataset.refs,
      read: chunkReader(c.dataset.refs, c.dataset.sources),
      output: new LocalOutput(root),
    },
    { variables: ["v"], resolution, method },
    { mappingThreads: 0 },
  );
  return { root, summary };
}

// 0.5 degree pixels, 50..40.5 N, 170 E eastwards across 180 to 170.5 W: columns 0..19 east, 20..39 west.
const regionalLat = Array.from({ length: 20 }, (_, i) => 50 - i * 0.5);
const regionalLon = Array.from({ length: 40 }, (_, i) => {
  const l = 170 + i * 0.5;
  return l >= 180 ? l - 360 : l;
});

describe("a regional grid across the antimeridian", () => {
  it("aggregates pixels into cells exactly as h3-js per pixel centre, on both sides of 180", async () => {
    const c = latLonCase(regionalLat, regionalLon, [10, 20]);
    const { root, summary } = await compute(c, 3, "aggregate");
    expect(summary.unitsTotal).toBe(122); // one unit per h0 cell (no time)
    await expectOutputEquals(root, "h3", ["v"], bruteAggregate(c.truth, 3, "mean"), {
      withCount: true,
      withTime: false,
      float32: [true],
    });
    await expectBothSides(root, "h3");
  });

  it("samples every cell whose centre lies on the grid, as an exhaustive search finds them", async () => {
    const c = latLonCase(regionalLat, regionalLon, [10, 20]);
    const { root } = await compute(c, 6, "sample");
    const expected = new Map<string, ExpectedRow>();
    const candidates = new Set<string>();
    for (let y = 0; y < c.truth.ny; y++) {
      for (let x = 0; x < c.truth.nx; x++) {
        const [lat, lng] = c.truth.centre(y, x);
        for (const cell of gridDisk(latLngToCell(lat, lng, 6), 8)) candidates.add(cell);
      }
    }
    for (const cell of candidates) {
      const [lat, lng] = cellToLatLng(cell);
      // Pixel under the centre, on the unwrapped axis 170..189.5 (pixel edges half a step around centres).
      const y = Math.round((50 - lat) / 0.5);
      const x = Math.round(((lng < 0 ? lng + 360 : lng) - 170) / 0.5);
      if (y < 0 || y >= c.truth.ny || x < 0 || x >= c.truth.nx) continue;
      const v = c.truth.value(0, 0, y, x);
      if (Number.isNaN(v)) continue;
      const id = BigInt(`0x${cell}`);
      expected.set(rowKey(id), { cell: id, values: [v] });
    }
    expect(getResolution([...candidates][0] as string)).toBe(6);
    expect(expected.size).toBeGreaterThan(10_000);
    await expectOutputEquals(root, "h6", ["v"], expected, { withTime: false, float32: [true] });
    await expectBothSides(root, "h6");
  });
});

describe("a global 0..360 axis relabelled -180..180 without rolling (0..179, -180..-1)", () => {
  it("wraps like any global grid: aggregates equal h3-js per pixel centre", async () => {
    const lat = Array.from({ length: 60 }, (_, i) => 88.5 - i * 3);
    const lon = Array.from({ length: 120 }, (_, i) => (i < 60 ? i * 3 : i * 3 - 360));
    const c = latLonCase(lat, lon, [30, 40]);
    const detected = await detectGrid(c.dataset.refs, "v", chunkReader(c.dataset.refs, c.dataset.sources));
    expect(detected.spec.kind).toBe("regular");
    const { root } = await compute(c, 1, "aggregate");
    await expectOutputEquals(root, "h1", ["v"], bruteAggregate(c.truth, 1, "mean"), {
      withCount: true,
      withTime: false,
      float32: [true],
    });
  });

  it("still refuses a longitude axis that no unwrapping makes monotone", async () => {
    const c = latLonCase([10, 5], [0, 10, 5, 20], [2, 4]);
    await expect(
      detectGrid(c.dataset.refs, "v", chunkReader(c.dataset.refs, c.dataset.sources)),
    ).rejects.toThrow(GridError);
    const twice = latLonCase([10, 5], [0, 120, 240, 0, 120], [2, 5]);
    await expect(
      detectGrid(twice.dataset.refs, "v", chunkReader(twice.dataset.refs, twice.dataset.sources)),
    ).rejects.toThrow(/not strictly monotone/);
  });
});

/** Rows exist east and west of the antimeridian. */
async function expectBothSides(root: string, column: string): Promise<void> {
  const rows = await duckQuery(datasetSql(root, column));
  const lngs = rows.map((r) => (cellToLatLng((r[column] as bigint).toString(16)) as [number, number])[1]);
  expect(lngs.some((l) => l > 170)).toBe(true);
  expect(lngs.some((l) => l < -170)).toBe(true);
}
