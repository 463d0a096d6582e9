/**
 * CRS from GeoKeys beyond an EPSG code. Real files: the proj4 string we emit, applied to our X/Y pixel-centre
 * coordinates, gives the lon/lat that GDAL 3.6.2 gives for the same pixel centres (gdaltransform onto a longlat
 * CRS of the same ellipsoid, run once by hand; values below), within 1e-7 degree (about 1 cm). Synthetic keys:
 * GeoKeys spelling out EPSG CRSs must project like epsg-index's PROJ-made definitions of those codes, and the WKT
 * we build must project like our proj4 string (proj4js reading the WKT).
 */
import proj4 from "proj4";
import { describe, expect, it } from "vitest";
import "../../../refs/store/codecs/index.js";
import type { JsonObject } from "../../../refs/model/reference-set.js";
import { FileSource } from "../../../refs/storage/file.js";
import { readArray } from "../../../refs/store/read-array.js";
import { crsOf } from "../../../scanner/tiff/crs.js";
import { epsgDefinition } from "../../../scanner/tiff/epsg-defs.js";
import { crsFromGeoKeys } from "../../../scanner/tiff/geokeys-crs.js";
import { scanTiff } from "../../../scanner/tiff/index.js";
import { fixtureFiles, haveFixtures } from "../../fixtures.js";

/** [file, longlat CRS of the file's ellipsoid, [col, row, lon, lat] from gdaltransform at pixel centres]. */
const GDAL: [string, string, [number, number, number, number][]][] = [
  [
    "lcmap_tiny_cog_2019.tif",
    "+proj=longlat +a=6378140 +rf=298.256999999996 +no_defs",
    [
      [0, 0, -119.207247502713, 45.3024553524385],
      [2047, 2047, -118.26337997798, 44.8969790347529],
      [1000, 300, -118.808218503162, 45.2885594205731],
    ],
  ],
  [
    "float_raster_with_nodata.tif",
    "+proj=longlat +ellps=GRS80 +no_defs",
    [
      [0, 0, 38.10657983214, 49.4607507553792],
      [12, 11, 38.1562305082485, 49.3951520476094],
    ],
  ],
  [
    "goes.tif",
    "+proj=longlat +ellps=GRS80 +no_defs",
    [
      [271, 100, -74.8878783489116, 33.8530529965698],
      [400, 350, -49.3964798748594, -14.9236761407722],
    ],
  ],
  [
    "sparse.tiff",
    "+proj=longlat +ellps=GRS80 +no_defs",
    [
      [0, 0, 178.013939076109, -37.5865258452505],
      [20479, 20479, 178.099209585705, -37.6474035508195],
    ],
  ],
];

describe.skipIf(!haveFixtures)("proj4 of real files agrees with GDAL at pixel centres", () => {
  for (const [file, longlat, points] of GDAL) {
    it(file, async () => {
      const path = fixtureFiles().find((f) => f.file === file)?.path as string;
      const { refs } = await scanTiff(new FileSource(path), file);
      const attrs = refs.metadata.get("spatial_ref/.zattrs") ?? {};
      const def = attrs.proj4;
      expect(typeof def, file).toBe("string");
      const open = () => new FileSource(path);
      const xs = (await readArray(refs, "X", { open })).data as Float64Array;
      const ys = (await readArray(refs, "Y", { open })).data as Float64Array;
      for (const [col, row, lon, lat] of points) {
        const [x, y] = proj4(def as string, longlat, [xs[col] as number, ys[row] as number]);
        expect(Math.abs((x as number) - lon), `${file} lon at ${col},${row}`).toBeLessThan(1e-7);
        expect(Math.abs((y as number) - lat), `${file} lat at ${col},${row}`).toBeLessThan(1e-7);
      }
    });
  }
});

/** Projected points of `def` through our CRS and back into `def`: the same point when both define one CRS. */
function expectSameCrs(ours: string, def: string, points: [number, number][], tolerance: number): void {
  for (const p of points) {
    const q = proj4(ours, def, p);
    expect(Math.abs((q[0] as number) - p[0]), `${ours} vs ${def} at ${p}`).toBeLessThan(tolerance);
    expect(Math.abs((q[1] as number) - p[1]), `${ours} vs ${def} at ${p}`).toBeLessThan(tolerance);
  }
}

const base = { GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 32767, ProjLinearUnitsGeoKey: 9001 };

/** [EPSG code, GeoKeys spelling it out, points in its projected coordinates]. */
const SYNTHETIC: [number, JsonObject, [number, number][]][] = [
  [
    5070,
    {
      ...base,
      GeographicTypeGeoKey: 4269,
      ProjCoordTransGeoKey: 11,
      ProjStdParallel1GeoKey: 29.5,
      ProjStdParallel2GeoKey: 45.5,
      ProjNatOriginLatGeoKey: 23,
      ProjNatOriginLongGeoKey: -96,
    },
    [
      [-1801185, 2700405],
      [1500000, 500000],
    ],
  ],
  [
    3413,
    {
      ...base,
      GeographicTypeGeoKey: 4326,
      ProjCoordTransGeoKey: 15,
      ProjNatOriginLatGeoKey: 70,
      ProjStraightVertPoleLongGeoKey: -45,
      ProjScaleAtNatOriginGeoKey: 1,
    },
    [
      [0, -2000000],
      [1500000, 300000],
    ],
  ],
  [
    3031,
    {
      ...base,
      GeographicTypeGeoKey: 4326,
      ProjCoordTransGeoKey: 15,
      ProjNatOriginLatGeoKey: -71,
      ProjStraightVertPoleLongGeoKey: 0,
    },
    [
      [100000, 2000000],
      [-1500000, -300000],
    ],
  ],
  [
    2154,
    {
      ...base,
      GeogGeodeticDatumGeoKey: 6171,
      GeographicTypeGeoKey: 32767,
      GeogEllipsoidGeoKey: 7019,
      ProjCoordTransGeoKey: 8,
      ProjStdParallel1GeoKey: 49,
      ProjStdParallel2GeoKey: 44,
      ProjFalseOriginLatGeoKey: 46.5,
      ProjFalseOriginLongGeoKey: 3,
      ProjFalseOriginEastingGeoKey: 700000,
      ProjFalseOriginNorthingGeoKey: 6600000,
    },
    [
      [650000, 6860000],
      [900000, 6300000],
    ],
  ],
  [
    3395,
    {
      ...base,
      GeographicTypeGeoKey: 4326,
      ProjCoordTransGeoKey: 7,
      ProjNatOriginLongGeoKey: 0,
      ProjScaleAtNatOriginGeoKey: 1,
    },
    [
      [1000000, 5000000],
      [-3000000, -2000000],
    ],
  ],
  [
    2263,
    {
      ...base,
      GeographicTypeGeoKey: 4269,
      ProjLinearUnitsGeoKey: 9003,
      ProjCoordTransGeoKey: 8,
      ProjStdParallel1GeoKey: 41 + 2 / 60,
      ProjStdParallel2GeoKey: 40 + 40 / 60,
      ProjFalseOriginLatGeoKey: 40 + 10 / 60,
      ProjFalseOriginLongGeoKey: -74,
      ProjFalseOriginEastingGeoKey: 984250,
      ProjFalseOriginNorthingGeoKey: 0,
    },
    [
      [988000, 200000],
      [1050000, 250000],
    ],
  ],
];

describe("user-defined CRS from GeoKeys", () => {
  for (const [code, keys, points] of SYNTHETIC) {
    it(`keys spelling out EPSG:${code} project like epsg-index's definition`, () => {
      const theirs = epsgDefinition(code)?.proj4;
      expect(theirs).toBeDefined();
      const built = crsFromGeoKeys(keys);
      expect(built).toBeDefined();
      // metres, or US survey feet for 2263: a millimetre either way
      expectSameCrs(built?.proj4 as string, theirs as string, points, 1e-3);
    });
  }

  it("the WKT we build projects like our proj4 string (proj4js reading the WKT)", () => {
    for (const [code, keys, points] of SYNTHETIC) {
      if (keys.ProjCoordTransGeoKey === 15) continue; // WKT 1 Polar_Stereographic: proj4js reads lat_0, not lat_ts
      const built = crsFromGeoKeys(keys);
      expectSameCrs(built?.wkt as string, built?.proj4 as string, points, code === 2263 ? 1e-2 : 1e-3);
    }
  });

  it("explicit axes override the geographic code (libgeotiff, GDAL); a code alone keeps its datum", () => {
    const albers = { ...(SYNTHETIC[0]?.[1] as JsonObject), GeographicTypeGeoKey: 4326 };
    expect(crsFromGeoKeys(albers)?.proj4).toMatch(/\+datum=WGS84/);
    const lcmap = { ...albers, GeogSemiMajorAxisGeoKey: 6378140, GeogInvFlatteningGeoKey: 298.256999999996 };
    expect(crsFromGeoKeys(lcmap)?.proj4).toMatch(/\+a=6378140 \+rf=298\.256999999996 /);
    expect(
      crsFromGeoKeys({ ...lcmap, GeogSemiMajorAxisGeoKey: 6378137, GeogInvFlatteningGeoKey: 298.257223563 })
        ?.proj4,
    ).toMatch(/\+datum=WGS84/);
  });

  it("refuses what it cannot build: no geographic part, unknown transform, packed DMS units", () => {
    expect(crsFromGeoKeys({ ...base, ProjCoordTransGeoKey: 11 })).toBeUndefined();
    expect(crsFromGeoKeys({ ...base, GeographicTypeGeoKey: 4326, ProjCoordTransGeoKey: 3 })).toBeUndefined();
    expect(
      crsFromGeoKeys({ ...(SYNTHETIC[0]?.[1] as JsonObject), GeogAngularUnitsGeoKey: 9110 }),
    ).toBeUndefined();
  });

  it("EPSG codes get epsg-index's proj4, except where it needs a grid file (NAD27)", () => {
    expect(crsOf({ GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 2193 })?.proj4).toMatch(
      /^\+proj=tmerc .*\+lon_0=173/,
    );
    expect(crsOf({ GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 2193 })?.wkt).toMatch(/^PROJCS\["NZGD2000/);
    const nad27 = crsOf({ GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 26711 });
    expect(nad27?.wkt).toMatch(/^PROJCS\["NAD27 \/ UTM zone 11N"/);
    expect(nad27?.proj4).toBeUndefined();
  });
});
