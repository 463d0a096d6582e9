/**
 * CRS of a GeoTIFF from its GeoKeys: the EPSG code, OGC WKT 1 and a proj4 string where we know them. For an EPSG
 * code: WKT built here for the common codes (WGS 84, Web Mercator, NAD83/NAD27 geographic, UTM zones on WGS 84,
 * NAD83 and NAD27), else epsg-index's; proj4 from epsg-index (none where it needs a grid file). For a
 * user-defined CRS: proj4 and WKT built from the GeoKeys (geokeys-crs.ts); an ESRI PE string that GDAL stores in
 * a citation key is preferred as the WKT, and its EXTENSION["PROJ4"] used where the keys can't build one.
 */
import type { JsonObject } from "../../refs/model/index.js";
import { epsgDefinition } from "./epsg-defs.js";
import { crsFromGeoKeys } from "./geokeys-crs.js";

export interface Crs {
  epsg: number | undefined;
  wkt: string | undefined;
  proj4: string | undefined;
  geographic: boolean;
}

const USER_DEFINED = 32767;
const auth = (code: number) => `AUTHORITY["EPSG","${code}"]`;
const DEGREE = `UNIT["degree",0.0174532925199433,${auth(9122)}]`;
const METRE = `UNIT["metre",1,${auth(9001)}]`;
const GREENWICH = `PRIMEM["Greenwich",0,${auth(8901)}]`;

interface Datum {
  geogName: string;
  geogCode: number;
  datum: string;
  datumCode: number;
  spheroid: string;
  spheroidCode: number;
  a: number;
  invF: number;
}

const WGS84: Datum = {
  geogName: "WGS 84",
  geogCode: 4326,
  datum: "WGS_1984",
  datumCode: 6326,
  spheroid: "WGS 84",
  spheroidCode: 7030,
  a: 6378137,
  invF: 298.257223563,
};
const NAD83: Datum = {
  geogName: "NAD83",
  geogCode: 4269,
  datum: "North_American_Datum_1983",
  datumCode: 6269,
  spheroid: "GRS 1980",
  spheroidCode: 7019,
  a: 6378137,
  invF: 298.257222101,
};
const NAD27: Datum = {
  geogName: "NAD27",
  geogCode: 4267,
  datum: "North_American_Datum_1927",
  datumCode: 6267,
  spheroid: "Clarke 1866",
  spheroidCode: 7008,
  a: 6378206.4,
  invF: 294.978698213898,
};

function geogcs(d: Datum, axes = true): string {
  const spheroid = `SPHEROID["${d.spheroid}",${d.a},${d.invF},${auth(d.spheroidCode)}]`;
  const axis = axes ? `,AXIS["Latitude",NORTH],AXIS["Longitude",EAST]` : "";
  return `GEOGCS["${d.geogName}",DATUM["${d.datum}",${spheroid},${auth(d.datumCode)}],${GREENWICH},${DEGREE}${axis},${auth(d.geogCode)}]`;
}

function utm(d: Datum, zone: number, south: boolean, code: number): string {
  const name = `${d.geogName} / UTM zone ${zone}${south ? "S" : "N"}`;
  const params = [
    ["latitude_of_origin", 0],
    ["central_meridian", zone * 6 - 183],
    ["scale_factor", 0.9996],
    ["false_easting", 500000],
    ["false_northing", south ? 10000000 : 0],
  ]
    .map(([k, v]) => `PARAMETER["${k}",${v}]`)
    .join(",");
  return `PROJCS["${name}",${geogcs(d, false)},PROJECTION["Transverse_Mercator"],${params},${METRE},AXIS["Easting",EAST],AXIS["Northing",NORTH],${auth(code)}]`;
}

const WEB_MERCATOR =
  `PROJCS["WGS 84 / Pseudo-Mercator",${geogcs(WGS84, false)},PROJECTION["Mercator_1SP"],` +
  `PARAMETER["central_meridian",0],PARAMETER["scale_factor",1],PARAMETER["false_easting",0],` +
  `PARAMETER["false_northing",0],${METRE},AXIS["Easting",EAST],AXIS["Northing",NORTH],` +
  `EXTENSION["PROJ4","+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs"],${auth(3857)}]`;

/** WKT 1 of an EPSG code we can build, else undefined. */
export function epsgWkt(code: number): string | undefined {
  if (code === 4326) return geogcs(WGS84);
  if (code === 4269) return geogcs(NAD83);
  if (code === 4267) return geogcs(NAD27);
  if (code === 3857) return WEB_MERCATOR;
  if (code >= 32601 && code <= 32660) return utm(WGS84, code - 32600, false, code);
  if (code >= 32701 && code <= 32760) return utm(WGS84, code - 32700, true, code);
  if (code >= 26901 && code <= 26923) return utm(NAD83, code - 26900, false, code);
  if (code >= 26703 && code <= 26722) return utm(NAD27, code - 26700, false, code);
  return undefined;
}

function code(v: unknown): number | undefined {
  return typeof v === "number" && v > 0 && v !== USER_DEFINED ? v : undefined;
}

/** GDAL writes ESRI WKT into a citation as "ESRI PE String = PROJCS[...]". */
function esriWkt(keys: JsonObject): string | undefined {
  for (const k of ["PCSCitationGeoKey", "GTCitationGeoKey", "GeogCitationGeoKey"]) {
    const v = keys[k];
    if (typeof v === "string") {
      const m = /ESRI PE String = ((?:PROJCS|GEOGCS)\[[\s\S]*\])/.exec(v);
      if (m) return m[1];
    }
  }
  return undefined;
}

/** GDAL's ESRI WKT may carry the proj4 string it was made from. */
function proj4Extension(wkt: string | undefined): string | undefined {
  return wkt ? /EXTENSION\["PROJ4","([^"]+)"\]/.exec(wkt)?.[1] : undefined;
}

export function crsOf(keys: JsonObject): Crs | undefined {
  if (Object.keys(keys).length === 0) return undefined;
  const projected = code(keys.ProjectedCSTypeGeoKey);
  const geographicCode = code(keys.GeographicTypeGeoKey);
  const geographic = keys.GTModelTypeGeoKey === 2;
  const epsg = geographic
    ? geographicCode
    : (projected ?? (keys.GTModelTypeGeoKey === 1 ? undefined : geographicCode));
  const esri = esriWkt(keys);
  if (epsg !== undefined) {
    const def = epsgDefinition(epsg);
    return { epsg, wkt: epsgWkt(epsg) ?? def?.wkt ?? esri, proj4: def?.proj4, geographic };
  }
  const built = crsFromGeoKeys(keys);
  const wkt = esri ?? built?.wkt;
  const proj4 = built?.proj4 ?? proj4Extension(esri);
  if (wkt === undefined && proj4 === undefined) return undefined; // user-defined CRS we could not read
  return { epsg, wkt, proj4, geographic };
}
