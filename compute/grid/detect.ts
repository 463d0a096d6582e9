import type { JsonObject, ReferenceSet } from "../../refs/model/index.js";
import { GridError } from "../errors.js";
import { type ArrayInfo, type ArrayReader, arrayInfo, hasArray, readWhole, siblingPath } from "../source.js";
import { isMonotone, regularStep } from "./axis.js";
import { crsFromAttributes } from "./crs.js";
import { monotoneLongitudes } from "./longitude.js";
import type { GridSpec } from "./types.js";

/** The grid of a variable and the roles of its dimensions. */
export interface DetectedGrid {
  spec: GridSpec;
  /** Index of the time dimension in the variable's dims, or -1. */
  timeAxis: number;
  /** Coordinate array of the time dimension, when there is one. */
  timeArray?: ArrayInfo;
  /** Indexes of the row (y) and column (x) dimensions. */
  yAxis: number;
  xAxis: number;
  /** Every other dimension (levels, bands, ensemble members), in order: selected, or one column per element. */
  extraAxes: number[];
}

const LAT_NAMES = new Set(["lat", "latitude", "nav_lat", "xlat"]);
const LON_NAMES = new Set(["lon", "long", "longitude", "nav_lon", "xlong"]);

function isLatitude(info: ArrayInfo): boolean {
  const u = String(info.attrs.units ?? "").toLowerCase();
  return (
    info.attrs.standard_name === "latitude" ||
    /^degrees?_?n(orth)?$/.test(u) ||
    LAT_NAMES.has(baseName(info.path).toLowerCase())
  );
}

function isLongitude(info: ArrayInfo): boolean {
  const u = String(info.attrs.units ?? "").toLowerCase();
  return (
    info.attrs.standard_name === "longitude" ||
    /^degrees?_?e(ast)?$/.test(u) ||
    LON_NAMES.has(baseName(info.path).toLowerCase())
  );
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** True when dimension d of the variable has a 1-D coordinate array of its length named after it. */
function hasAxisCoordinate(refs: ReferenceSet, info: ArrayInfo, d: number): boolean {
  const p = siblingPath(info.path, info.dims[d] as string);
  if (!hasArray(refs, p)) return false;
  const c = arrayInfo(refs, p);
  return c.shape.length === 1 && c.shape[0] === info.shape[d];
}

/**
 * Rows and columns are the last two dimensions, except in a chunky multi-sample TIFF laid out (Y, X, S): there
 * the last dimension has no coordinate while the two before it do.
 */
function spatialAxes(refs: ReferenceSet, info: ArrayInfo): [number, number] {
  const nd = info.shape.length;
  if (
    nd >= 3 &&
    !hasAxisCoordinate(refs, info, nd - 1) &&
    hasAxisCoordinate(refs, info, nd - 3) &&
    hasAxisCoordinate(refs, info, nd - 2)
  ) {
    return [nd - 3, nd - 2];
  }
  return [nd - 2, nd - 1];
}

/**
 * Finds the grid of the variable at `path`: its rows and columns (see spatialAxes), the first other dimension
 * whose coordinate has CF time units ("<unit> since <date>") as time, and every remaining dimension as extra.
 */
export async function detectGrid(refs: ReferenceSet, path: string, read: ArrayReader): Promise<DetectedGrid> {
  const info = arrayInfo(refs, path);
  if (info.shape.length < 2)
    throw new GridError(path, `needs at least 2 dimensions, has ${info.shape.length}`);
  const [yAxis, xAxis] = spatialAxes(refs, info);
  let timeAxis = -1;
  let timeArray: ArrayInfo | undefined;
  const extraAxes: number[] = [];
  for (let d = 0; d < info.shape.length; d++) {
    if (d === yAxis || d === xAxis) continue;
    const coord = siblingPath(path, info.dims[d] as string);
    const units = hasArray(refs, coord) ? String(arrayInfo(refs, coord).attrs.units ?? "") : "";
    if (/\ssince\s/.test(units) && timeAxis < 0) {
      timeAxis = d;
      timeArray = arrayInfo(refs, coord);
    } else {
      extraAxes.push(d);
    }
  }
  const spec = await spatialGrid(refs, info, read, yAxis, xAxis);
  const roles = { spec, timeAxis, yAxis, xAxis, extraAxes };
  return timeArray ? { ...roles, timeArray } : roles;
}

async function spatialGrid(
  refs: ReferenceSet,
  info: ArrayInfo,
  read: ArrayReader,
  yAxis: number,
  xAxis: number,
): Promise<GridSpec> {
  const ny = info.shape[yAxis] as number;
  const nx = info.shape[xAxis] as number;
  const yPath = siblingPath(info.path, info.dims[yAxis] as string);
  const xPath = siblingPath(info.path, info.dims[xAxis] as string);
  if (hasArray(refs, yPath) && hasArray(refs, xPath)) {
    const yInfo = arrayInfo(refs, yPath);
    const xInfo = arrayInfo(refs, xPath);
    if (yInfo.shape.length === 1 && xInfo.shape.length === 1) {
      const ys = await readWhole(read, yInfo);
      const xs = await readWhole(read, xInfo);
      if (isLatitude(yInfo) && isLongitude(xInfo)) {
        // Longitudes may jump by 360 (a regional grid across the antimeridian, an unrolled 0..360 axis).
        const lon = monotoneLongitudes(xs);
        if (!isMonotone(ys) || !lon) {
          throw new GridError(
            info.path,
            `coordinates ${yPath}/${xPath} are not strictly monotone (longitudes even after unwrapping by 360)`,
          );
        }
        return { kind: "regular", lat: ys, lon };
      }
      if (!isMonotone(ys) || !isMonotone(xs)) {
        throw new GridError(info.path, `coordinates ${yPath}/${xPath} are not strictly monotone`);
      }
      return projectedFromAxes(refs, info, ys, xs);
    }
  }
  const curvilinear = await curvilinearGrid(refs, info, read, ny, nx);
  if (curvilinear) return curvilinear;
  const fromTransform = projectedFromGeoTransform(refs, info, ny, nx);
  if (fromTransform) return fromTransform;
  throw new GridError(
    info.path,
    "no coordinates found: expected 1-D coordinate variables named like its row and column dimensions, a " +
      "`coordinates` attribute naming 2-D latitude/longitude, or a GeoTransform with a CRS",
  );
}

function projectedFromAxes(
  refs: ReferenceSet,
  info: ArrayInfo,
  ys: Float64Array,
  xs: Float64Array,
): GridSpec {
  const crs = findCrs(refs, info);
  if (!crs) throw new GridError(info.path, "projected coordinates but no CRS (grid_mapping, crs_wkt, EPSG)");
  const dy = ys.length > 1 ? regularStep(ys) : 1;
  const dx = xs.length > 1 ? regularStep(xs) : 1;
  if (dy === undefined || dx === undefined) {
    throw new GridError(info.path, "projected x/y coordinates are not evenly spaced");
  }
  return {
    kind: "projected",
    crs,
    x0: xs[0] as number,
    dx,
    y0: ys[0] as number,
    dy,
    nx: xs.length,
    ny: ys.length,
  };
}

/** GDAL's GeoTransform "x_origin dx rot y_origin rot dy" (origin at the outer corner of pixel (0,0)). */
function projectedFromGeoTransform(
  refs: ReferenceSet,
  info: ArrayInfo,
  ny: number,
  nx: number,
): GridSpec | undefined {
  const attrs = gridMappingAttrs(refs, info) ?? info.attrs;
  const raw = attrs.GeoTransform ?? info.attrs.GeoTransform;
  const gt =
    typeof raw === "string" ? raw.trim().split(/\s+/).map(Number) : Array.isArray(raw) ? raw.map(Number) : [];
  if (gt.length !== 6 || gt.some((v) => !Number.isFinite(v))) return undefined;
  const [ox, dx, rx, oy, ry, dy] = gt as [number, number, number, number, number, number];
  if (rx !== 0 || ry !== 0) throw new GridError(info.path, "rotated GeoTransform is not supported");
  const crs = findCrs(refs, info);
  if (!crs) throw new GridError(info.path, "GeoTransform but no CRS");
  return { kind: "projected", crs, x0: ox + dx / 2, dx, y0: oy + dy / 2, dy, nx, ny };
}

function gridMappingAttrs(refs: ReferenceSet, info: ArrayInfo): JsonObject | undefined {
  const name = info.attrs.grid_mapping;
  if (typeof name !== "string") return undefined;
  return refs.metadata.get(`${siblingPath(info.path, name.split(":")[0] as string)}/.zattrs`);
}

function findCrs(refs: ReferenceSet, info: ArrayInfo): string | undefined {
  const candidates = [gridMappingAttrs(refs, info), info.attrs, refs.metadata.get(".zattrs")];
  for (const attrs of candidates) {
    const crs = attrs ? crsFromAttributes(attrs) : undefined;
    if (crs) return crs;
  }
  return undefined;
}

async function curvilinearGrid(
  refs: ReferenceSet,
  info: ArrayInfo,
  read: ArrayReader,
  ny: number,
  nx: number,
): Promise<GridSpec | undefined> {
  const names = String(info.attrs.coordinates ?? "")
    .split(/\s+/)
    .filter(Boolean);
  let lat: ArrayInfo | undefined;
  let lon: ArrayInfo | undefined;
  for (const name of names) {
    const p = siblingPath(info.path, name);
    if (!hasArray(refs, p)) continue;
    const c = arrayInfo(refs, p);
    if (c.shape.length !== 2 || c.shape[0] !== ny || c.shape[1] !== nx) continue;
    if (isLatitude(c)) lat = c;
    else if (isLongitude(c)) lon = c;
  }
  if (!lat || !lon) return undefined;
  return { kind: "curvilinear", lat: await readWhole(read, lat), lon: await readWhole(read, lon), ny, nx };
}
