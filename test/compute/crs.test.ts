/**
 * CF grid mappings -> proj4, checked against published worked examples (IOGP Guidance Note 7-2, the EPSG
 * guidance, and Snyder's "Map Projections: A Working Manual"): each definition projects the example's point to
 * its coordinates, and back. The geographic side uses the mapping's own ellipsoid, so no datum shift enters.
 */
import proj4 from "proj4";
import { describe, expect, it } from "vitest";
import { cfEllipsoid, cfGridMappingToProj4, GridMappingError } from "../../compute/grid/cf-grid-mapping.js";
import { crsFromAttributes } from "../../compute/grid/crs.js";
import { detectGrid } from "../../compute/grid/detect.js";
import type { JsonObject } from "../../refs/model/reference-set.js";
import { buildDataset } from "./helpers/dataset.js";
import { chunkReader } from "./helpers/reader.js";

const dms = (d: number, m: number, s = 0) => (d < 0 ? -1 : 1) * (Math.abs(d) + m / 60 + s / 3600);
const US_FOOT = 1200 / 3937;
const CLARKE_1866 = { semi_major_axis: 6378206.4, inverse_flattening: 294.978698213898 };
const WGS84 = { semi_major_axis: 6378137, inverse_flattening: 298.257223563 };

interface Example {
  name: string;
  attrs: JsonObject;
  /** [longitude, latitude] in degrees */
  point: [number, number];
  /** [easting, northing] in metres */
  expected: [number, number];
  tolerance: number;
}

const examples: Example[] = [
  {
    // EPSG 9802, NAD27 / Texas South Central (GN 7-2 example, US survey feet converted to metres)
    name: "lambert_conformal_conic (two standard parallels)",
    attrs: {
      grid_mapping_name: "lambert_conformal_conic",
      standard_parallel: [dms(28, 23), dms(30, 17)],
      latitude_of_projection_origin: dms(27, 50),
      longitude_of_central_meridian: -99,
      false_easting: 2_000_000 * US_FOOT,
      false_northing: 0,
      ...CLARKE_1866,
    },
    point: [-96, 28.5],
    expected: [2_963_503.91 * US_FOOT, 254_759.8 * US_FOOT],
    tolerance: 0.05,
  },
  {
    // Snyder, p. 292: Clarke 1866, parallels 29.5 and 45.5, origin 23 N 96 W
    name: "albers_conical_equal_area",
    attrs: {
      grid_mapping_name: "albers_conical_equal_area",
      standard_parallel: [29.5, 45.5],
      latitude_of_projection_origin: 23,
      longitude_of_central_meridian: -96,
      false_easting: 0,
      false_northing: 0,
      ...CLARKE_1866,
    },
    point: [-75, 35],
    expected: [1_885_472.7, 1_535_925.0],
    tolerance: 0.1,
  },
  {
    // EPSG 9810, polar stereographic variant A (GN 7-2): WGS 84, k0 0.994 at the north pole
    name: "polar_stereographic (scale at the pole)",
    attrs: {
      grid_mapping_name: "polar_stereographic",
      latitude_of_projection_origin: 90,
      straight_vertical_longitude_from_pole: 0,
      scale_factor_at_projection_origin: 0.994,
      false_easting: 2_000_000,
      false_northing: 2_000_000,
      ...WGS84,
    },
    point: [44, 73],
    expected: [3_320_416.75, 632_668.43],
    tolerance: 0.05,
  },
  {
    // EPSG 9829, polar stereographic variant B (GN 7-2): WGS 84, true scale at 71 S
    name: "polar_stereographic (standard parallel)",
    attrs: {
      grid_mapping_name: "polar_stereographic",
      latitude_of_projection_origin: -90,
      straight_vertical_longitude_from_pole: 70,
      standard_parallel: -71,
      false_easting: 6_000_000,
      false_northing: 6_000_000,
      ...WGS84,
    },
    point: [120, -75],
    expected: [7_255_380.79, 7_053_389.56],
    tolerance: 0.05,
  },
  {
    // EPSG 9807, OSGB 1936 / British National Grid (GN 7-2), Airy 1830
    name: "transverse_mercator",
    attrs: {
      grid_mapping_name: "transverse_mercator",
      latitude_of_projection_origin: 49,
      longitude_of_central_meridian: -2,
      scale_factor_at_central_meridian: 0.9996012717,
      false_easting: 400_000,
      false_northing: -100_000,
      semi_major_axis: 6377563.396,
      inverse_flattening: 299.3249646,
    },
    point: [dms(0, 30), dms(50, 30)],
    expected: [577_274.99, 69_740.5],
    tolerance: 0.05,
  },
  {
    // EPSG 9820, ETRS89 / LAEA Europe (GN 7-2), GRS 1980
    name: "lambert_azimuthal_equal_area",
    attrs: {
      grid_mapping_name: "lambert_azimuthal_equal_area",
      latitude_of_projection_origin: 52,
      longitude_of_projection_origin: 10,
      false_easting: 4_321_000,
      false_northing: 3_210_000,
      semi_major_axis: 6378137,
      inverse_flattening: 298.257222101,
    },
    point: [5, 50],
    expected: [3_962_799.45, 2_999_718.85],
    tolerance: 0.05,
  },
  {
    // EPSG 9804, Mercator variant A (GN 7-2): Makassar / NEIEZ, Bessel 1841
    name: "mercator (scale at the equator)",
    attrs: {
      grid_mapping_name: "mercator",
      longitude_of_projection_origin: 110,
      scale_factor_at_projection_origin: 0.997,
      false_easting: 3_900_000,
      false_northing: 900_000,
      semi_major_axis: 6377397.155,
      inverse_flattening: 299.1528128,
    },
    point: [120, -3],
    expected: [5_009_726.58, 569_150.82],
    tolerance: 0.05,
  },
  {
    // EPSG 9805, Mercator variant B (GN 7-2): Pulkovo 1942 / Caspian Sea Mercator, Krassowsky 1940
    name: "mercator (standard parallel)",
    attrs: {
      grid_mapping_name: "mercator",
      longitude_of_projection_origin: 51,
      standard_parallel: 42,
      false_easting: 0,
      false_northing: 0,
      semi_major_axis: 6378245,
      inverse_flattening: 298.3,
    },
    point: [53, 53],
    expected: [165_704.29, 5_171_848.07],
    tolerance: 0.05,
  },
];

describe("CF grid mappings -> proj4", () => {
  for (const e of examples) {
    it(`${e.name}: the worked example's point, forward and back`, () => {
      const def = cfGridMappingToProj4(e.attrs) as string;
      expect(def).toMatch(/^\+proj=/);
      expect(crsFromAttributes(e.attrs)).toBe(def);
      const convert = proj4(`+proj=longlat ${cfEllipsoid(e.attrs)} +no_defs`, def);
      const [x, y] = convert.forward(e.point);
      expect(Math.abs((x as number) - e.expected[0]), `easting ${x}`).toBeLessThan(e.tolerance);
      expect(Math.abs((y as number) - e.expected[1]), `northing ${y}`).toBeLessThan(e.tolerance);
      // back: our own projection exactly, the example's (rounded) coordinates to within their rounding
      const [lon, lat] = convert.inverse([x as number, y as number]);
      expect(Math.abs((lon as number) - e.point[0])).toBeLessThan(1e-8); // ~1 mm
      expect(Math.abs((lat as number) - e.point[1])).toBeLessThan(1e-8); // ~1 mm
      const [lon2, lat2] = convert.inverse(e.expected);
      const degrees = (2 * e.tolerance) / 111_000 / Math.cos((e.point[1] * Math.PI) / 180);
      expect(Math.abs((lon2 as number) - e.point[0])).toBeLessThan(degrees);
      expect(Math.abs((lat2 as number) - e.point[1])).toBeLessThan(degrees);
    });
  }

  it("a spherical earth_radius and the default ellipsoid", () => {
    expect(cfEllipsoid({ earth_radius: 6371229 })).toBe("+R=6371229");
    expect(cfEllipsoid({})).toBe("+ellps=WGS84");
    expect(cfEllipsoid({ semi_major_axis: 6378137, semi_minor_axis: 6356752.314245 })).toBe(
      "+a=6378137 +b=6356752.314245",
    );
  });

  it("a name it cannot convert: WKT beside it is used, else a GridMappingError", () => {
    const wkt =
      'PROJCS["x",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],' +
      'UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["central_meridian",15],' +
      'PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],UNIT["metre",1]]';
    expect(crsFromAttributes({ grid_mapping_name: "oblique_mercator_x", crs_wkt: wkt })).toBe(wkt);
    expect(() => crsFromAttributes({ grid_mapping_name: "oblique_mercator_x" })).toThrow(GridMappingError);
    expect(() => crsFromAttributes({ grid_mapping_name: "lambert_conformal_conic" })).toThrow(
      /needs standard_parallel/,
    );
  });

  it("proj4 strings win (crs_proj4, as the TIFF scanner may write), WKT of an EPSG code proj4 does not know", () => {
    const lcc = "+proj=lcc +lat_1=33 +lat_2=45 +lat_0=23 +lon_0=-96 +datum=NAD83 +units=m +no_defs";
    expect(crsFromAttributes({ crs_proj4: lcc, epsg: 4326, crs_wkt: "PROJCS[...]" })).toBe(lcc);
    // NAD83 / UTM 15N: not in the built-in EPSG table, so its WKT is used (it was dropped before)
    expect(crsFromAttributes({ epsg: 26915, spatial_ref: "PROJCS[NAD83 / UTM zone 15N]" })).toBe(
      "PROJCS[NAD83 / UTM zone 15N]",
    );
  });

  it("a NetCDF-style projected grid with a lambert_conformal_conic grid mapping variable", async () => {
    const gm = examples[0] as Example;
    const d = buildDataset({
      x: { dims: ["x"], shape: [3], dtype: "<f8", data: [900_000, 901_000, 902_000] },
      y: { dims: ["y"], shape: [2], dtype: "<f8", data: [78_000, 77_000] },
      v: {
        dims: ["y", "x"],
        shape: [2, 3],
        dtype: "<f4",
        data: [1, 2, 3, 4, 5, 6],
        attrs: { grid_mapping: "crs" },
      },
      crs: { dims: [], shape: [], dtype: "<i4", data: [0], attrs: gm.attrs },
    });
    const g = await detectGrid(d.refs, "v", chunkReader(d.refs, d.sources));
    expect(g.spec).toMatchObject({
      kind: "projected",
      crs: cfGridMappingToProj4(gm.attrs),
      dx: 1000,
      dy: -1000,
    });
  });
});
