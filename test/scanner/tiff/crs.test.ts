import proj4 from "proj4";
import { describe, expect, it } from "vitest";
import { FileSource } from "../../../refs/storage/file.js";
import { crsOf, epsgWkt } from "../../../scanner/tiff/crs.js";
import { scanTiff } from "../../../scanner/tiff/index.js";
import { fixtureFiles, haveFixtures } from "../../fixtures.js";

/** proj4 (an independent WKT reader) projects lon/lat through our WKT. */
function project(code: number, lonlat: [number, number]): number[] {
  const wkt = epsgWkt(code);
  if (!wkt) throw new Error(`no WKT for ${code}`);
  return proj4("EPSG:4326", wkt, lonlat);
}

describe("CRS from GeoKeys", () => {
  it("builds WKT that proj4 reads and projects correctly", () => {
    const [e, n] = project(32633, [15, 0]);
    expect(e).toBeCloseTo(500000, 3);
    expect(n).toBeCloseTo(0, 3);
    const [es, ns] = project(32733, [15, -0.000001]);
    expect(es).toBeCloseTo(500000, 3);
    expect(ns).toBeCloseTo(10000000 - 0.11, 1);
    expect(project(3857, [180, 0])[0]).toBeCloseTo(20037508.342789244, 3);
    expect(project(26911, [-117, 0])[0]).toBeCloseTo(500000, 3);
    expect(project(4326, [12.5, 41.9])).toEqual([12.5, 41.9]);
    expect(epsgWkt(2193)).toBeUndefined();
  });

  it("takes the EPSG code from the projected or geographic key, and WKT from an ESRI PE string", () => {
    expect(crsOf({ GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 32612 })?.epsg).toBe(32612);
    expect(crsOf({ GTModelTypeGeoKey: 2, GeographicTypeGeoKey: 4326 })).toMatchObject({
      epsg: 4326,
      geographic: true,
    });
    expect(crsOf({ GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 32767 })).toBeUndefined();
    const esri = crsOf({
      GTModelTypeGeoKey: 1,
      ProjectedCSTypeGeoKey: 32767,
      PCSCitationGeoKey: 'ESRI PE String = PROJCS["X",GEOGCS["Y"]]',
    });
    expect(esri).toEqual({ epsg: undefined, wkt: 'PROJCS["X",GEOGCS["Y"]]', geographic: false });
  });
});

describe.skipIf(!haveFixtures)("CRS attributes of real files", () => {
  const path = (name: string) => fixtureFiles().find((f) => f.file === name)?.path as string;

  it("byte.tif: NAD27 / UTM 11N with WKT; coordinates from the tiepoint", async () => {
    const { refs } = await scanTiff(new FileSource(path("byte.tif")), "byte.tif");
    const attrs = refs.metadata.get("spatial_ref/.zattrs") ?? {};
    expect(attrs.epsg).toBe(26711);
    expect(String(attrs.crs_wkt)).toMatch(/^PROJCS\["NAD27 \/ UTM zone 11N"/);
    expect(refs.metadata.get("0/.zattrs")?.grid_mapping).toBe("spatial_ref");
  });

  it("test_esri_wkt.tif: user-defined CRS, WKT from the ESRI PE string", async () => {
    const { refs } = await scanTiff(new FileSource(path("test_esri_wkt.tif")), "test_esri_wkt.tif");
    const attrs = refs.metadata.get("spatial_ref/.zattrs") ?? {};
    expect(attrs.epsg).toBeUndefined();
    expect(String(attrs.crs_wkt)).toMatch(/^PROJCS\["USA_Contiguous_Albers_Equal_Area_Conic_USGS_version"/);
  });

  it("rotated.tif: no coordinates for a file without a usable transform, reported as an issue", async () => {
    const { refs, issues } = await scanTiff(new FileSource(path("rotated.tif")), "rotated.tif");
    expect(refs.metadata.has("X/.zarray")).toBe(false);
    expect(issues.map((i) => i.feature)).toEqual(["coordinates"]);
  });
});
