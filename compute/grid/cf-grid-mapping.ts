/**
 * A proj4 definition from a CF grid mapping variable's `grid_mapping_name` and parameters (CF conventions,
 * appendix F). The ellipsoid comes from earth_radius, or semi_major_axis with semi_minor_axis or
 * inverse_flattening (WGS 84 when none is given, as GDAL assumes); false_easting / false_northing are metres.
 */

import { registerErrors } from "../../refs/errors.js";
import type { JsonObject, JsonValue } from "../../refs/model/index.js";
import { ComputeError } from "../errors.js";

/** A grid mapping we cannot turn into proj4 (an unknown name, a missing parameter). */
export class GridMappingError extends ComputeError {
  override name = "GridMappingError";
  constructor(
    readonly mapping: string,
    readonly detail: string,
  ) {
    super(`grid mapping ${mapping}: ${detail}`);
  }
}

type Params = (string | undefined)[];

function num(attrs: JsonObject, key: string): number | undefined {
  const v: JsonValue | undefined = attrs[key];
  const first = Array.isArray(v) ? v[0] : v;
  const n = typeof first === "string" ? Number(first) : first;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
}

function list(attrs: JsonObject, key: string): number[] {
  const v = attrs[key];
  const items = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  return items.map(Number).filter(Number.isFinite);
}

const param = (name: string, value: number | undefined) =>
  value === undefined ? undefined : `+${name}=${value}`;

/** The ellipsoid (and prime meridian, datum shift) of a CF grid mapping, as proj4 parameters. */
export function cfEllipsoid(attrs: JsonObject): string {
  const out: Params = [];
  const radius = num(attrs, "earth_radius");
  const a = num(attrs, "semi_major_axis");
  if (radius !== undefined) out.push(`+R=${radius}`);
  else if (a !== undefined) {
    const b = num(attrs, "semi_minor_axis");
    const rf = num(attrs, "inverse_flattening");
    out.push(`+a=${a}`, rf ? `+rf=${rf}` : b !== undefined ? `+b=${b}` : `+b=${a}`);
  } else out.push("+ellps=WGS84");
  const pm = num(attrs, "longitude_of_prime_meridian");
  if (pm) out.push(`+pm=${pm}`);
  const shift = list(attrs, "towgs84");
  if (shift.length === 3 || shift.length === 7) out.push(`+towgs84=${shift.join(",")}`);
  return out.filter(Boolean).join(" ");
}

function need(name: string, attrs: JsonObject, key: string): number {
  const v = num(attrs, key);
  if (v === undefined) throw new GridMappingError(name, `needs ${key}`);
  return v;
}

/** proj4 parameters of the projection, without ellipsoid and false origin. */
function projection(name: string, a: JsonObject): Params {
  const lon0 = (...keys: string[]) =>
    param(
      "lon_0",
      keys.map((k) => num(a, k)).find((v) => v !== undefined),
    );
  const lat0 = param("lat_0", num(a, "latitude_of_projection_origin"));
  switch (name) {
    case "latitude_longitude":
      return ["+proj=longlat"];
    case "albers_conical_equal_area":
    case "lambert_conformal_conic": {
      const parallels = list(a, "standard_parallel");
      if (parallels.length === 0) throw new GridMappingError(name, "needs standard_parallel");
      return [
        name === "lambert_conformal_conic" ? "+proj=lcc" : "+proj=aea",
        `+lat_1=${parallels[0]}`,
        `+lat_2=${parallels[1] ?? parallels[0]}`,
        lat0,
        lon0("longitude_of_central_meridian"),
        param("k_0", num(a, "scale_factor_at_projection_origin")),
      ];
    }
    case "transverse_mercator":
      return [
        "+proj=tmerc",
        lat0,
        lon0("longitude_of_central_meridian"),
        `+k_0=${num(a, "scale_factor_at_central_meridian") ?? 1}`,
      ];
    case "polar_stereographic": {
      const origin = need(name, a, "latitude_of_projection_origin");
      if (Math.abs(origin) !== 90)
        throw new GridMappingError(name, "latitude_of_projection_origin must be +-90");
      // variant B names the latitude of true scale, variant A the scale at the pole
      const trueScale = num(a, "standard_parallel");
      return [
        "+proj=stere",
        `+lat_0=${origin}`,
        lon0("straight_vertical_longitude_from_pole", "longitude_of_projection_origin"),
        trueScale !== undefined
          ? `+lat_ts=${trueScale}`
          : `+k_0=${num(a, "scale_factor_at_projection_origin") ?? 1}`,
      ];
    }
    case "stereographic":
      return [
        "+proj=stere",
        lat0,
        lon0("longitude_of_projection_origin"),
        `+k_0=${num(a, "scale_factor_at_projection_origin") ?? 1}`,
      ];
    case "lambert_azimuthal_equal_area":
      return ["+proj=laea", lat0, lon0("longitude_of_projection_origin")];
    case "azimuthal_equidistant":
      return ["+proj=aeqd", lat0, lon0("longitude_of_projection_origin")];
    case "orthographic":
      return ["+proj=ortho", lat0, lon0("longitude_of_projection_origin")];
    case "mercator": {
      const trueScale = num(a, "standard_parallel");
      return [
        "+proj=merc",
        lon0("longitude_of_projection_origin"),
        trueScale !== undefined
          ? `+lat_ts=${trueScale}`
          : param("k_0", num(a, "scale_factor_at_projection_origin")),
      ];
    }
    case "lambert_cylindrical_equal_area":
      return [
        "+proj=cea",
        lon0("longitude_of_central_meridian"),
        param("lat_ts", num(a, "standard_parallel")),
      ];
    case "sinusoidal":
      return ["+proj=sinu", lon0("longitude_of_central_meridian")];
    case "geostationary": {
      const fixed = a.fixed_angle_axis;
      const sweep = typeof a.sweep_angle_axis === "string" ? a.sweep_angle_axis : fixed === "y" ? "x" : "y";
      return [
        "+proj=geos",
        `+h=${need(name, a, "perspective_point_height")}`,
        lon0("longitude_of_projection_origin"),
        `+sweep=${sweep}`,
      ];
    }
    default:
      throw new GridMappingError(name, "is not a grid_mapping_name we can convert to proj4");
  }
}

/** The proj4 definition of a CF grid mapping, or undefined when the attributes have no grid_mapping_name. */
export function cfGridMappingToProj4(attrs: JsonObject): string | undefined {
  const name = attrs.grid_mapping_name;
  if (typeof name !== "string" || !name.trim()) return undefined;
  const parts: Params = [
    ...projection(name.trim(), attrs),
    param("x_0", num(attrs, "false_easting")),
    param("y_0", num(attrs, "false_northing")),
    cfEllipsoid(attrs),
    name.trim() === "latitude_longitude" ? undefined : "+units=m",
    "+no_defs",
  ];
  return parts.filter(Boolean).join(" ");
}

registerErrors({ GridMappingError });
