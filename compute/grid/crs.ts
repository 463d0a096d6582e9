import type { JsonObject } from "../../refs/model/index.js";

import { cfGridMappingToProj4, GridMappingError } from "./cf-grid-mapping.js";

/**
 * A proj4 definition from the CRS attributes a scanner or CF writer leaves, first found of: a proj4 string
 * (`crs_proj4`, `proj4`, `proj4text`, `proj4_params`), a CF grid mapping (`grid_mapping_name` and its parameters),
 * an EPSG code proj4 knows without a database (`epsg`, `epsg_code`, `EPSG`, GeoTIFF's `ProjectedCSTypeGeoKey` /
 * `GeographicTypeGeoKey`: 4326, 3857, WGS84 UTM zones), WKT (`crs_wkt`, `spatial_ref`). A grid mapping name we
 * cannot convert is used only when WKT stands beside it; else it is an error. Undefined when none is present.
 */
export function crsFromAttributes(attrs: JsonObject): string | undefined {
  for (const key of ["crs_proj4", "proj4", "proj4text", "proj4_params"]) {
    const v = attrs[key];
    if (typeof v === "string" && v.trim()) return v;
  }
  const wkt = ["crs_wkt", "spatial_ref"].map((k) => attrs[k]).find((v) => typeof v === "string" && v.trim());
  try {
    const cf = cfGridMappingToProj4(attrs);
    if (cf) return cf;
  } catch (error) {
    if (!(error instanceof GridMappingError) || typeof wkt !== "string") throw error;
  }
  const epsg = epsgCode(attrs);
  const known = epsg === undefined ? undefined : epsgDefinition(epsg);
  if (known) return known;
  return typeof wkt === "string" ? wkt : undefined;
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
