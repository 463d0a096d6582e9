import type { JsonObject, ReferenceSet } from "../../refs/model/reference-set.js";
import { GridError } from "../errors.js";
import { type ArrayInfo, type ArrayReader, arrayInfo, hasArray, readWhole, siblingPath } from "../source.js";
import { isMonotone, regularStep } from "./axis.js";
import { crsFromAttributes } from "./crs.js";
import type { GridSpec } from "./types.js";

/** The grid of a variable and the roles of its dimensions. */
export interface DetectedGrid {
  spec: GridSpec;
  /** Index of the time dimension in the variable's dims, or -1. */
  timeAxis: number;
  /** Coordinate array of the time dimension, when there is one. */
  timeArray?: ArrayInfo;
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

/**
 * Finds the grid of the variable at `path`: its last two dimensions are rows and columns; a leading dimension
 * whose coordinate has CF time units ("<unit> since <date>") is time; other leading dimensions must have size 1.
 */
export async function detectGrid(refs: ReferenceSet, path: string, read: ArrayReader): Promise<DetectedGrid> {
  const info = arrayInfo(refs, path);
  if (info.shape.length < 2)
    throw new GridError(path, `needs at least 2 dimensions, has ${info.shape.length}`);
  const nd = info.shape.length;
  let timeAxis = -1;
  let timeArray: ArrayInfo | undefined;
  for (let d = 0; d < nd - 2; d++) {
    const coord = siblingPath(path, info.dims[d] as string);
    const units = hasArray(refs, coord) ? String(arrayInfo(refs, coord).attrs.units ?? "") : "";
    if (/\ssince\s/.test(units) && timeAxis < 0) {
      timeAxis = d;
      timeArray = arrayInfo(refs, coord);
    } else if (info.shape[d] !== 1) {
      throw new GridError(
        path,
        `dimension ${info.dims[d]} (size ${info.shape[d]}) is neither time nor size 1`,
      );
    }
  }
  const spec = await spatialGrid(refs, info, read);
  return timeArray ? { spec, timeAxis, timeArray } : { spec, timeAxis };
}

async function spatialGrid(refs: ReferenceSet, info: ArrayInfo, read: ArrayReader): Promise<GridSpec> {
  const nd = info.shape.length;
  const ny = info.shape[nd - 2] as number;
  const nx = info.shape[nd - 1] as number;
  const yPath = siblingPath(info.path, info.dims[nd - 2] as string);
  const xPath = siblingPath(info.path, info.dims[nd - 1] as string);
  if (hasArray(refs, yPath) && hasArray(refs, xPath)) {
    const yInfo = arrayInfo(refs, yPath);
    const xInfo = arrayInfo(refs, xPath);
    if (yInfo.shape.length === 1 && xInfo.shape.length === 1) {
      const ys = await readWhole(read, yInfo);
      const xs = await readWhole(read, xInfo);
      if (!isMonotone(ys) || !isMonotone(xs)) {
        throw new GridError(info.path, `coordinates ${yPath}/${xPath} are not strictly monotone`);
      }
      if (isLatitude(yInfo) && isLongitude(xInfo)) return { kind: "regular", lat: ys, lon: xs };
      return projectedFromAxes(refs, info, ys, xs);
    }
  }
  const curvilinear = await curvilinearGrid(refs, info, read, ny, nx);
  if (curvilinear) return curvilinear;
  const fromTransform = projectedFromGeoTransform(refs, info, ny, nx);
  if (fromTransform) return fromTransform;
  throw new GridError(
    info.path,
    "no coordinates found: expected 1-D coordinate variables named like its last two dimensions, a " +
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
