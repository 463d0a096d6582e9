/**
 * A user-defined CRS (ProjectedCSTypeGeoKey / GeographicTypeGeoKey 32767) built from its GeoKeys as GDAL reads
 * them: the geographic part from a known geographic CRS or datum code (epsg-index), or from the ellipsoid code
 * and explicit axes (explicit GeogSemiMajorAxis / InvFlattening / SemiMinorAxis override a code, as in
 * libgeotiff); the projection from ProjCoordTransGeoKey and its parameters, with the same fallbacks between
 * natural origin, false origin and centre keys. Gives a proj4 string and OGC WKT 1.
 */
import type { JsonObject } from "../../refs/model/index.js";
import { epsgDefinition } from "./epsg-defs.js";

const USER_DEFINED = 32767;

export interface BuiltCrs {
  proj4: string;
  wkt: string;
}

interface Ellipsoid {
  name: string;
  a: number;
  /** Inverse flattening; 0 for a sphere. */
  rf: number;
  proj: string;
}

/** EPSG ellipsoid codes -> axes, with PROJ's name where PROJ has one. */
const ELLIPSOIDS: Record<number, Ellipsoid> = {
  7030: { name: "WGS 84", a: 6378137, rf: 298.257223563, proj: "+ellps=WGS84" },
  7019: { name: "GRS 1980", a: 6378137, rf: 298.257222101, proj: "+ellps=GRS80" },
  7008: { name: "Clarke 1866", a: 6378206.4, rf: 294.978698213898, proj: "+ellps=clrk66" },
  7022: { name: "International 1924", a: 6378388, rf: 297, proj: "+ellps=intl" },
  7004: { name: "Bessel 1841", a: 6377397.155, rf: 299.1528128, proj: "+ellps=bessel" },
  7043: { name: "WGS 72", a: 6378135, rf: 298.26, proj: "+ellps=WGS72" },
  7001: { name: "Airy 1830", a: 6377563.396, rf: 299.3249646, proj: "+ellps=airy" },
  7024: { name: "Krassowsky 1940", a: 6378245, rf: 298.3, proj: "+ellps=krass" },
  7048: { name: "GRS 1980 Authalic Sphere", a: 6371007, rf: 0, proj: "+R=6371007" },
};

/** Angular units (EPSG codes) -> degrees per unit (9110, packed sexagesimal DDD.MMSS, is not a scale: refused). */
const ANGULAR: Record<number, number> = { 9101: 180 / Math.PI, 9102: 1, 9122: 1, 9105: 0.9 };

/** Linear units -> metres per unit, proj4 units and WKT name. */
const LINEAR: Record<number, { metres: number; proj: string; name: string }> = {
  9001: { metres: 1, proj: "+units=m", name: "metre" },
  9002: { metres: 0.3048, proj: "+units=ft", name: "foot" },
  9003: { metres: 1200 / 3937, proj: "+units=us-ft", name: "US survey foot" },
  9036: { metres: 1000, proj: "+units=km", name: "kilometre" },
};

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const known = (v: unknown): number | undefined => {
  const n = num(v);
  return n !== undefined && n > 0 && n !== USER_DEFINED ? n : undefined;
};
const fmt = (v: number) => String(Number(v.toPrecision(15)));

interface Geographic {
  /** proj4 datum/ellipsoid/prime-meridian parameters. */
  proj: string;
  wkt: string;
  /** Degrees per angular unit of the projection parameters. */
  degrees: number;
}

function wktGeogcs(name: string, e: Ellipsoid, pm: number): string {
  const datum = `DATUM["${name === "unknown" ? "unknown" : name}",SPHEROID["${e.name}",${fmt(e.a)},${fmt(e.rf)}]]`;
  return `GEOGCS["${name}",${datum},PRIMEM["Greenwich",${fmt(pm)}],UNIT["degree",0.0174532925199433]]`;
}

/** Axes of a WKT's first SPHEROID. */
function spheroidOf(wkt: string): { a: number; rf: number } | undefined {
  const m = /SPHEROID\["[^"]*",\s*([\d.eE+-]+),\s*([\d.eE+-]+)/.exec(wkt);
  return m ? { a: Number(m[1]), rf: Number(m[2]) } : undefined;
}

/** Explicit axes in the GeoKeys, or undefined. */
function explicitAxes(keys: JsonObject): { a: number; rf: number } | undefined {
  const a = num(keys.GeogSemiMajorAxisGeoKey);
  if (a === undefined) return undefined;
  const invf = num(keys.GeogInvFlatteningGeoKey);
  const b = num(keys.GeogSemiMinorAxisGeoKey);
  if (invf !== undefined) return { a, rf: invf };
  if (b !== undefined) return { a, rf: b === a ? 0 : a / (a - b) };
  return undefined;
}

const sameAxes = (x: { a: number; rf: number }, y: { a: number; rf: number }) =>
  Math.abs(x.a - y.a) < 1e-3 && Math.abs(x.rf - y.rf) < 1e-6;

function ellipsoidProj(e: { a: number; rf: number }, named?: Ellipsoid): string {
  if (named && sameAxes(e, named)) return named.proj;
  const table = Object.values(ELLIPSOIDS).find((t) => sameAxes(e, t));
  if (table) return table.proj;
  return e.rf === 0 ? `+R=${fmt(e.a)}` : `+a=${fmt(e.a)} +rf=${fmt(e.rf)}`;
}

function geographic(keys: JsonObject): Geographic | undefined {
  const units = known(keys.GeogAngularUnitsGeoKey) ?? 9102;
  const degrees = ANGULAR[units] ?? (num(keys.GeogAngularUnitSizeGeoKey) ?? 0) * (180 / Math.PI);
  if (!degrees) return undefined;
  const pm = (num(keys.GeogPrimeMeridianLongGeoKey) ?? 0) * degrees;
  const pmProj = pm !== 0 ? ` +pm=${fmt(pm)}` : "";
  const explicit = explicitAxes(keys);
  // a known geographic CRS, or the one of a known datum (EPSG gives datum 6xxx the geographic CRS 4xxx)
  const datum = known(keys.GeogGeodeticDatumGeoKey);
  const code =
    known(keys.GeographicTypeGeoKey) ?? (datum && datum >= 6001 && datum <= 6999 ? datum - 2000 : 0);
  const def = code ? epsgDefinition(code) : undefined;
  if (def?.kind === "CRS-GEOGCRS" && def.proj4 && def.wkt && pm === 0) {
    const axes = spheroidOf(def.wkt);
    if (!explicit || (axes && sameAxes(explicit, axes))) {
      const proj = def.proj4.replace(/\+proj=longlat\s*|\s*\+no_defs/g, "").trim();
      return { proj, wkt: def.wkt, degrees };
    }
  }
  // the ellipsoid alone (explicit axes win over its code, as libgeotiff reads them)
  const named = ELLIPSOIDS[known(keys.GeogEllipsoidGeoKey) ?? 0];
  const axes = explicit ?? named;
  if (!axes) return undefined;
  const ellipsoid: Ellipsoid = {
    name: named && sameAxes(axes, named) ? named.name : "unnamed",
    a: axes.a,
    rf: axes.rf,
    proj: ellipsoidProj(axes, named),
  };
  return { proj: `${ellipsoid.proj}${pmProj}`, wkt: wktGeogcs("unknown", ellipsoid, pm), degrees };
}

type Param = [proj: string, wkt: string, value: number];

/** The first of `names` present in the GeoKeys (the Proj…GeoKey names without prefix/suffix). */
function first(keys: JsonObject, names: string[]): number | undefined {
  for (const n of names) {
    const v = num(keys[`Proj${n}GeoKey`]);
    if (v !== undefined) return v;
  }
  return undefined;
}

const LAT = ["NatOriginLat", "FalseOriginLat", "CenterLat"];
const LON = ["NatOriginLong", "FalseOriginLong", "CenterLong"];
const CENTRE_LAT = ["CenterLat", "NatOriginLat", "FalseOriginLat"];
const CENTRE_LON = ["CenterLong", "NatOriginLong", "FalseOriginLong"];
const FALSE_ORIGIN_LAT = ["FalseOriginLat", "NatOriginLat", "CenterLat"];
const FALSE_ORIGIN_LON = ["FalseOriginLong", "NatOriginLong", "CenterLong"];
const POLE_LON = ["StraightVertPoleLong", ...LON];
const FE = ["FalseEasting", "FalseOriginEasting", "CenterEasting"];
const FN = ["FalseNorthing", "FalseOriginNorthing", "CenterNorthing"];
const FOE = ["FalseOriginEasting", "FalseEasting", "CenterEasting"];
const FON = ["FalseOriginNorthing", "FalseNorthing", "CenterNorthing"];
const SCALE = ["ScaleAtNatOrigin", "ScaleAtCenter"];

interface Projection {
  proj: string;
  wkt: string;
  params: Param[];
}

/** A projection's GeoKeys as a parameter reads them: angles in degrees, false easting/northing in the linear unit. */
interface ProjKeys {
  /** The first of `names` (0, or `fallback`, when none is given). */
  angle(names: string[], fallback?: number): number;
  /** The first of `names`, undefined when none is given (a required parameter). */
  given(names: string[]): number | undefined;
  linear(names: string[]): number;
  scale: number;
}

/** A parameter: proj4 name, WKT name ("" when WKT has none) and where its value comes from. */
type ParamSpec = [proj: string, wkt: string, value: (k: ProjKeys) => number | undefined];

/** One form of a transform: used when `when` holds and every parameter has a value. */
interface Variant {
  proj: string;
  wkt: string;
  params: ParamSpec[];
  when?: (k: ProjKeys) => boolean;
}

const angle =
  (names: string[], fallback?: number) =>
  (k: ProjKeys): number =>
    k.angle(names, fallback);
const linear = (names: string[]) => (k: ProjKeys) => k.linear(names);
const scale = (k: ProjKeys) => k.scale;
const P_FE: ParamSpec = ["x_0", "false_easting", linear(FE)];
const P_FN: ParamSpec = ["y_0", "false_northing", linear(FN)];
const P_K: ParamSpec = ["k", "scale_factor", scale];
const P_LAT0: ParamSpec = ["lat_0", "latitude_of_origin", angle(LAT)];
const P_LON0: ParamSpec = ["lon_0", "central_meridian", angle(LON)];
const P_SP1: ParamSpec = ["lat_1", "standard_parallel_1", (k) => k.given(["StdParallel1"])];
const P_SP2: ParamSpec = ["lat_2", "standard_parallel_2", (k) => k.given(["StdParallel2"])];
const P_CENTRE: ParamSpec[] = [
  ["lat_0", "latitude_of_center", angle(CENTRE_LAT)],
  ["lon_0", "longitude_of_center", angle(CENTRE_LON)],
];
const P_CONIC: ParamSpec[] = [
  P_SP1,
  P_SP2,
  ["lat_0", "latitude_of_center", angle(LAT)],
  ["lon_0", "longitude_of_center", angle(LON)],
];
const poleLat = angle(LAT, 90);

/**
 * ProjCoordTransGeoKey -> its forms, first match wins. Other transforms (oblique Mercator, New Zealand grid, …)
 * are not built here.
 */
const TRANSFORMS: Record<number, Variant[]> = {
  1: [{ proj: "tmerc", wkt: "Transverse_Mercator", params: [P_LAT0, P_LON0, P_K, P_FE, P_FN] }],
  // Mercator: 2SP when a standard parallel is given, else 1SP with a scale
  7: [
    {
      proj: "merc",
      wkt: "Mercator_2SP",
      params: [["lat_ts", "standard_parallel_1", (k) => k.given(["StdParallel1"])], P_LON0, P_FE, P_FN],
    },
    { proj: "merc", wkt: "Mercator_1SP", params: [P_LON0, P_K, P_FE, P_FN] },
  ],
  // Lambert Conformal Conic 2SP: origin and false easting/northing at the false origin
  8: [
    {
      proj: "lcc",
      wkt: "Lambert_Conformal_Conic_2SP",
      params: [
        P_SP1,
        P_SP2,
        ["lat_0", "latitude_of_origin", angle(FALSE_ORIGIN_LAT)],
        ["lon_0", "central_meridian", angle(FALSE_ORIGIN_LON)],
        ["x_0", "false_easting", linear(FOE)],
        ["y_0", "false_northing", linear(FON)],
      ],
    },
  ],
  9: [
    {
      proj: "lcc",
      wkt: "Lambert_Conformal_Conic_1SP",
      params: [["lat_1", "", angle(LAT)], P_LAT0, P_LON0, ["k_0", "scale_factor", scale], P_FE, P_FN],
    },
  ],
  10: [{ proj: "laea", wkt: "Lambert_Azimuthal_Equal_Area", params: [...P_CENTRE, P_FE, P_FN] }],
  11: [{ proj: "aea", wkt: "Albers_Conic_Equal_Area", params: [...P_CONIC, P_FE, P_FN] }],
  12: [{ proj: "aeqd", wkt: "Azimuthal_Equidistant", params: [...P_CENTRE, P_FE, P_FN] }],
  13: [{ proj: "eqdc", wkt: "Equidistant_Conic", params: [...P_CONIC, P_FE, P_FN] }],
  // Polar Stereographic: origin latitude ±90 is variant A (scale), any other is variant B (lat_ts, scale 1)
  15: [
    {
      proj: "stere",
      wkt: "Polar_Stereographic",
      when: (k) => Math.abs(poleLat(k)) === 90,
      params: [
        ["lat_0", "latitude_of_origin", poleLat],
        ["lon_0", "central_meridian", angle(POLE_LON)],
        P_K,
        P_FE,
        P_FN,
      ],
    },
    {
      proj: "stere",
      wkt: "Polar_Stereographic",
      when: (k) => k.scale === 1,
      params: [
        ["lat_0", "", (k) => (poleLat(k) > 0 ? 90 : -90)],
        ["lat_ts", "latitude_of_origin", poleLat],
        ["lon_0", "central_meridian", angle(POLE_LON)],
        ["k", "scale_factor", () => 1],
        P_FE,
        P_FN,
      ],
    },
  ],
  16: [{ proj: "sterea", wkt: "Oblique_Stereographic", params: [P_LAT0, P_LON0, P_K, P_FE, P_FN] }],
  18: [{ proj: "cass", wkt: "Cassini_Soldner", params: [P_LAT0, P_LON0, P_FE, P_FN] }],
  21: [
    {
      proj: "ortho",
      wkt: "Orthographic",
      params: [
        ["lat_0", "latitude_of_origin", angle(CENTRE_LAT)],
        ["lon_0", "central_meridian", angle(CENTRE_LON)],
        P_FE,
        P_FN,
      ],
    },
  ],
  23: [
    {
      proj: "robin",
      wkt: "Robinson",
      params: [["lon_0", "longitude_of_center", angle(CENTRE_LON)], P_FE, P_FN],
    },
  ],
  24: [
    {
      proj: "sinu",
      wkt: "Sinusoidal",
      params: [["lon_0", "longitude_of_center", angle(CENTRE_LON)], P_FE, P_FN],
    },
  ],
};

/** The projection of ProjCoordTransGeoKey: its first form that applies and has every parameter. */
function projection(keys: JsonObject, deg: number): Projection | undefined {
  const k: ProjKeys = {
    angle: (names, fallback = 0) => (first(keys, names) ?? fallback) * deg,
    given: (names) => {
      const v = first(keys, names);
      return v === undefined ? undefined : v * deg;
    },
    linear: (names) => first(keys, names) ?? 0,
    scale: first(keys, SCALE) ?? 1,
  };
  for (const variant of TRANSFORMS[num(keys.ProjCoordTransGeoKey) ?? -1] ?? []) {
    if (variant.when && !variant.when(k)) continue;
    const params = variant.params.map(([p, w, value]) => [p, w, value(k)] as const);
    if (params.every(([, , v]) => v !== undefined)) {
      return { proj: variant.proj, wkt: variant.wkt, params: params as Param[] };
    }
  }
  return undefined;
}

function linearUnit(keys: JsonObject): { metres: number; proj: string; name: string } | undefined {
  const code = known(keys.ProjLinearUnitsGeoKey) ?? 9001;
  const unit = LINEAR[code];
  if (unit) return unit;
  const size = num(keys.ProjLinearUnitSizeGeoKey);
  return size ? { metres: size, proj: `+to_meter=${fmt(size)}`, name: "unknown" } : undefined;
}

function citation(keys: JsonObject, key: string): string {
  const v = keys[key];
  return typeof v === "string" && v.trim() && !v.startsWith("ESRI PE String")
    ? v.trim().replace(/"/g, "'")
    : "unnamed";
}

/** proj4 + WKT of a user-defined geographic or projected CRS, or undefined where the keys don't say enough. */
export function crsFromGeoKeys(keys: JsonObject): BuiltCrs | undefined {
  const geog = geographic(keys);
  if (!geog) return undefined;
  if (keys.GTModelTypeGeoKey === 2) {
    return { proj4: `+proj=longlat ${geog.proj} +no_defs`, wkt: geog.wkt };
  }
  const proj = projection(keys, geog.degrees);
  const unit = linearUnit(keys);
  if (!proj || !unit) return undefined;
  // proj4's x_0/y_0 are always metres; WKT's false easting/northing are in the CRS's linear unit
  const projParams = proj.params
    .map(([p, , v]) => (p === "x_0" || p === "y_0" ? [p, v * unit.metres] : [p, v]) as [string, number])
    .map(([p, v]) => `+${p}=${fmt(v)}`)
    .join(" ");
  const wktParams = proj.params
    .filter(([, w]) => w !== "")
    .map(([, w, v]) => `PARAMETER["${w}",${fmt(v)}]`)
    .join(",");
  const name =
    citation(keys, "PCSCitationGeoKey") !== "unnamed"
      ? citation(keys, "PCSCitationGeoKey")
      : citation(keys, "GTCitationGeoKey");
  return {
    proj4: `+proj=${proj.proj} ${projParams} ${geog.proj} ${unit.proj} +no_defs`,
    wkt: `PROJCS["${name}",${geog.wkt},PROJECTION["${proj.wkt}"],${wktParams},UNIT["${unit.name}",${fmt(unit.metres)}],AXIS["Easting",EAST],AXIS["Northing",NORTH]]`,
  };
}
