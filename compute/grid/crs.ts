import type { JsonObject } from "../../refs/model/reference-set.js";

/**
 * A proj4 definition from the CRS attributes a scanner or CF writer leaves: `crs_wkt` / `spatial_ref` (WKT),
 * `proj4` / `proj4text` / `proj4_params`, or an EPSG code (`epsg`, `epsg_code`, `EPSG`, GeoTIFF's
 * `ProjectedCSTypeGeoKey` / `GeographicTypeGeoKey`). EPSG codes proj4 knows without a database: 4326, 3857
 * and the WGS84 UTM zones 326xx/327xx. Returns undefined when none of these is present.
 */
export function crsFromAttributes(attrs: JsonObject): string | undefined {
  for (const key of ["proj4", "proj4text", "proj4_params"]) {
    const v = attrs[key];
    if (typeof v === "string" && v.trim()) return v;
  }
  const epsg = epsgCode(attrs);
  if (epsg !== undefined) return epsgDefinition(epsg);
  for (const key of ["crs_wkt", "spatial_ref"]) {
    const v = attrs[key];
    if (typeof v === "string" && v.trim()) return v;
  }
  return undefined;
}

function epsgCode(attrs: JsonObject): number | undefined {
  for (const key of ["epsg", "epsg_code", "EPSG", "ProjectedCSTypeGeoKey", "GeographicTypeGeoKey"]) {
    const v = attrs[key];
    const n =
      typeof v === "number" ? v : typeof v === "string" ? Number(v.replace(/^EPSG:/i, "")) : Number.NaN;
    if (Number.isInteger(n) && n > 0 && n !== 32767) return n;
  }
  return undefined;
}

/** The proj4 definition of an EPSG code proj4 can express without an EPSG database. */
export function epsgDefinition(code: number): string | undefined {
  if (code === 4326) return "+proj=longlat +datum=WGS84 +no_defs";
  if (code === 3857) return "EPSG:3857";
  if (code > 32600 && code <= 32660) return `+proj=utm +zone=${code - 32600} +datum=WGS84 +units=m +no_defs`;
  if (code > 32700 && code <= 32760)
    return `+proj=utm +zone=${code - 32700} +south +datum=WGS84 +units=m +no_defs`;
  return undefined;
}
