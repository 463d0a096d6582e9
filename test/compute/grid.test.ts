import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cellToLatLng, polygonToCells } from "h3-js";
import { describe, expect, it } from "vitest";
import { GridError } from "../../compute/errors.js";
import { crsFromAttributes } from "../../compute/grid/crs.js";
import { CurvilinearGrid, haversine } from "../../compute/grid/curvilinear.js";
import { detectGrid } from "../../compute/grid/detect.js";
import { RegularLatLonGrid } from "../../compute/grid/regular.js";
import { LocalOutput } from "../../compute/io/output.js";
import { computeProject } from "../../compute/run.js";
import type { JsonObject } from "../../refs/model/reference-set.js";
import { type ExpectedRow, rowKey } from "./helpers/brute.js";
import { curvilinear } from "./helpers/cases.js";
import { expectOutputEquals } from "./helpers/compare.js";
import { type ArraySpec, buildDataset } from "./helpers/dataset.js";
import { chunkReader } from "./helpers/reader.js";

const UTM33_WKT =
  'PROJCS["WGS 84 / UTM zone 33N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],' +
  'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],' +
  'PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",15],PARAMETER["scale_factor",0.9996],' +
  'PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1]]';

const round = (v: number) => Math.round(v) + 0;

describe("regular latitude/longitude grids", () => {
  it("place points across the seam of a 0..360 axis and of a -180..180 axis", () => {
    const lat = Float64Array.from([10, 0, -10]);
    const a = new RegularLatLonGrid(
      lat,
      Float64Array.from({ length: 36 }, (_, i) => i * 10),
    );
    expect(a.periodicX).toBe(true);
    expect(a.pixelCoords(0, -4, false)?.map(round)).toEqual([1, 0]);
    expect(a.pixelCoords(0, -6, false)?.map(round)).toEqual([1, 35]);
    expect(a.pixelCoords(0, 354, false)?.map(round)).toEqual([1, 35]);
    expect(a.pixelCoords(0, 356, false)?.map(round)).toEqual([1, 0]);
    const b = new RegularLatLonGrid(
      lat,
      Float64Array.from({ length: 36 }, (_, i) => -180 + i * 10),
    );
    expect(b.pixelCoords(-10, 176, false)?.map(round)).toEqual([2, 0]);
    expect(b.pixelCoords(-10, 174, false)?.map(round)).toEqual([2, 35]);
    const regional = new RegularLatLonGrid(lat, Float64Array.from([0, 1, 2]));
    expect(regional.periodicX).toBe(false);
    expect(regional.pixelCoords(0, 50, true)).toEqual([1, 2]);
  });
});

describe("grid detection", () => {
  const projected = (attrs: JsonObject, extra: Record<string, ArraySpec> = {}) =>
    buildDataset({
      x: { dims: ["x"], shape: [3], dtype: "<f8", data: [500_050, 500_150, 500_250] },
      y: { dims: ["y"], shape: [2], dtype: "<f8", data: [5_000_050, 4_999_950] },
      v: { dims: ["y", "x"], shape: [2, 3], dtype: "<f4", data: [1, 2, 3, 4, 5, 6], attrs },
      ...extra,
    });

  it("reads a CRS from a grid_mapping variable's crs_wkt (WKT through proj4)", async () => {
    const d = projected(
      { grid_mapping: "crs" },
      { crs: { dims: [], shape: [], dtype: "<i4", data: [0], attrs: { crs_wkt: UTM33_WKT } } },
    );
    const g = await detectGrid(d.refs, "v", chunkReader(d.refs, d.sources));
    expect(g.spec).toMatchObject({
      kind: "projected",
      crs: UTM33_WKT,
      x0: 500_050,
      dx: 100,
      y0: 5_000_050,
      dy: -100,
    });
    expect(g.timeAxis).toBe(-1);
  });

  it("reads a GDAL GeoTransform with an EPSG code when there are no coordinate variables", async () => {
    const d = buildDataset({
      band: {
        dims: ["row", "col"],
        shape: [2, 3],
        dtype: "<u1",
        data: [1, 2, 3, 4, 5, 6],
        attrs: { GeoTransform: "500000 100 0 5000100 0 -100", ProjectedCSTypeGeoKey: 32633 },
      },
    });
    const g = await detectGrid(d.refs, "band", chunkReader(d.refs, d.sources));
    expect(g.spec).toMatchObject({
      kind: "projected",
      x0: 500_050,
      dx: 100,
      y0: 5_000_050,
      dy: -100,
      nx: 3,
      ny: 2,
    });
    expect(crsFromAttributes({ epsg: "EPSG:32733" })).toContain("+south");
    expect(crsFromAttributes({ spatial_ref: UTM33_WKT })).toBe(UTM33_WKT);
    expect(crsFromAttributes({ epsg: 2056 })).toBeUndefined();
  });

  it("explains what is missing or unsupported", async () => {
    const noCrs = projected({});
    await expect(detectGrid(noCrs.refs, "v", chunkReader(noCrs.refs, noCrs.sources))).rejects.toThrow(
      /no CRS/,
    );
    const bare = buildDataset({ v: { dims: ["a", "b"], shape: [1, 2], dtype: "<f8", data: [1, 2] } });
    await expect(detectGrid(bare.refs, "v", chunkReader(bare.refs, bare.sources))).rejects.toThrow(GridError);
    const extra = buildDataset({
      v: { dims: ["level", "a", "b"], shape: [2, 1, 2], dtype: "<f8", data: [1, 2, 3, 4] },
    });
    // An extra dimension is fine (its elements become columns), but these rows and columns have no coordinates.
    await expect(detectGrid(extra.refs, "v", chunkReader(extra.refs, extra.sources))).rejects.toThrow(
      /no coordinates found/,
    );
  });
});

describe("2-D latitude/longitude grids sampled at cell centres", () => {
  it("every cell well inside the grid takes its nearest pixel (exhaustive search), none doubled", async () => {
    const c = curvilinear(30, 40);
    const grid = new CurvilinearGrid(
      Float64Array.from({ length: 1200 }, (_, k) => c.truth.centre(Math.floor(k / 40), k % 40)[0]),
      Float64Array.from({ length: 1200 }, (_, k) => c.truth.centre(Math.floor(k / 40), k % 40)[1]),
      30,
      40,
    );
    expect(grid.pixelCoords(0, 0, false)).toBeUndefined();
    const root = await mkdtemp(join(tmpdir(), "refs-compute-"));
    try {
      await computeProject(
        {
          refs: c.dataset.refs,
          read: chunkReader(c.dataset.refs, c.dataset.sources),
          output: new LocalOutput(root),
        },
        { variables: ["sst"], resolution: 7, method: "sample" },
      );
      // Interior cells: nearest pixel by exhaustive search, and that pixel is not on the grid's edge.
      const expected = new Map<string, ExpectedRow>();
      for (const cell of polygonToCells(
        [
          [40.2, 10.2],
          [40.2, 12],
          [41.6, 12],
          [41.6, 10.2],
        ],
        7,
      )) {
        const [lat, lng] = cellToLatLng(cell);
        let best = -1;
        let bestD = Number.POSITIVE_INFINITY;
        for (let k = 0; k < 1200; k++) {
          const [la, lo] = c.truth.centre(Math.floor(k / 40), k % 40);
          const d = haversine(lat, lng, la, lo);
          if (d < bestD) {
            bestD = d;
            best = k;
          }
        }
        const y = Math.floor(best / 40);
        const x = best % 40;
        if (y === 0 || y === 29 || x === 0 || x === 39) continue;
        const v = c.truth.value(0, 0, y, x);
        if (Number.isNaN(v)) continue;
        const id = BigInt(`0x${cell}`);
        expected.set(rowKey(id), { cell: id, values: [v] });
      }
      expect(expected.size).toBeGreaterThan(1000);
      await expectOutputEquals(root, "h7", ["sst"], expected, {
        withTime: false,
        float32: [true],
        subset: true,
      });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
