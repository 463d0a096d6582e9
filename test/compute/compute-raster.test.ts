import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cellToLatLng, polygonToCells } from "h3-js";
import proj4 from "proj4";
import { afterAll, describe, expect, it } from "vitest";
import { LocalOutput } from "../../compute/io/output.js";
import { computeProject } from "../../compute/run.js";
import { bruteAggregate, type ExpectedRow, rowKey } from "./helpers/brute.js";
import { curvilinear, utmRaster, utmToWgs84 } from "./helpers/cases.js";
import { expectOutputEquals } from "./helpers/compare.js";
import { duckTypes } from "./helpers/duck.js";
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

describe("projected raster (UTM 33N from a GeoTIFF EPSG key), no time", () => {
  it("aggregates 100 m pixels into resolution-9 cells exactly as h3-js per pixel", async () => {
    const c = utmRaster();
    const root = await tempDir();
    const summary = await computeProject(
      {
        refs: c.dataset.refs,
        read: chunkReader(c.dataset.refs, c.dataset.sources),
        output: new LocalOutput(root),
      },
      { variables: ["band1"], resolution: 9 },
    );
    expect(summary.method).toBe("aggregate");
    // one unit per h0 cell; the raster lies in one
    expect(summary.unitsTotal).toBe(122);
    expect(summary.files).toBe(1);
    await expectOutputEquals(root, "h9", ["band1"], bruteAggregate(c.truth, 9, "mean"), {
      withCount: true,
      withTime: false,
    });
    const types = await duckTypes(root);
    expect(types).toMatchObject({ h9: "UBIGINT", band1: "DOUBLE", count: "UINTEGER", h0: "VARCHAR" });
    expect(types).not.toHaveProperty("time");
  });

  it("samples cells smaller than 1 km pixels at their centres", async () => {
    const c = utmRaster(20, 24, 1000, 8);
    const root = await tempDir();
    const summary = await computeProject(
      {
        refs: c.dataset.refs,
        read: chunkReader(c.dataset.refs, c.dataset.sources),
        output: new LocalOutput(root),
      },
      { variables: ["band1"], resolution: 9 },
    );
    expect(summary.method).toBe("sample");
    // Brute force: every cell around the raster whose centre projects onto a pixel takes that pixel.
    const toUtm = proj4("WGS84", "+proj=utm +zone=33 +datum=WGS84 +units=m +no_defs");
    const corners = [
      [-0.5, -0.5],
      [-0.5, 24.5],
      [20.5, 24.5],
      [20.5, -0.5],
    ].map(([y, x]) => utmToWgs84(c.x0 + (x as number) * c.size, c.y0 - (y as number) * c.size));
    const ring = corners.map(([lng, lat]) => [lat, lng]);
    const lats = ring.map((p) => p[0] as number);
    const lngs = ring.map((p) => p[1] as number);
    const box = [
      [Math.min(...lats) - 0.05, Math.min(...lngs) - 0.05],
      [Math.min(...lats) - 0.05, Math.max(...lngs) + 0.05],
      [Math.max(...lats) + 0.05, Math.max(...lngs) + 0.05],
      [Math.max(...lats) + 0.05, Math.min(...lngs) - 0.05],
    ];
    const expected = new Map<string, ExpectedRow>();
    for (const cell of polygonToCells(box, 9)) {
      const [lat, lng] = cellToLatLng(cell);
      const [X, Y] = toUtm.forward([lng, lat]) as [number, number];
      const x = Math.round((X - c.x0) / c.size);
      const y = Math.round((c.y0 - Y) / c.size);
      if (y < 0 || y >= 20 || x < 0 || x >= 24) continue;
      const v = c.truth.value(0, 0, y, x);
      if (Number.isNaN(v)) continue;
      expected.set(rowKey(BigInt(`0x${cell}`)), { cell: BigInt(`0x${cell}`), values: [v] });
    }
    expect(expected.size).toBeGreaterThan(20 * 24 * 5);
    await expectOutputEquals(root, "h9", ["band1"], expected, { withTime: false });
  });
});

describe("2-D latitude/longitude coordinates", () => {
  it("aggregates a sheared grid exactly as h3-js per pixel", async () => {
    const c = curvilinear();
    const root = await tempDir();
    await computeProject(
      {
        refs: c.dataset.refs,
        read: chunkReader(c.dataset.refs, c.dataset.sources),
        output: new LocalOutput(root),
      },
      { variables: ["sst"], resolution: 5, method: "aggregate" },
    );
    await expectOutputEquals(root, "h5", ["sst"], bruteAggregate(c.truth, 5, "mean"), {
      withCount: true,
      withTime: false,
      float32: [true],
    });
  });
});
