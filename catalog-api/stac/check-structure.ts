import { CatalogInputError } from "../errors.js";
import { checkGeometry, type Geometry, positions } from "../geometry/geojson.js";
import { parseRfc3339 } from "../search/datetime.js";
import type { StacCollection, StacItem } from "./types.js";

/** Longest item or collection id accepted: ids end up in URLs, file names and index keys. */
export const MAX_ID_LENGTH = 256;
const MAX_DEPTH = 64;

/**
 * Structural checks every write runs (transactions and ingest), whatever the schema validation does: the parts the
 * API builds answers from (links, assets, bbox, geometry, times, id) must have the shape it relies on, so nothing
 * stored can later break a read. Throws CatalogInputError naming the object and the member.
 */
export function checkItemStructure(value: unknown, where = "item"): StacItem {
  const item = object(value, where);
  const id = checkId(item.id, `${where} id`);
  const named = `item "${id}"`;
  const at = where === "item" ? named : `${where} (${named})`;
  if (item.type !== "Feature") fail(at, "type", 'must be "Feature"');
  checkStacVersion(item, at);
  if (item.collection !== undefined && typeof item.collection !== "string")
    fail(at, "collection", "must be a string");
  const properties = object(item.properties, `${at} properties`);
  checkTimes(properties, at);
  if (item.geometry === undefined) fail(at, "geometry", "is required (a GeoJSON geometry or null)");
  if (item.geometry !== null) checkLonLat(checkGeometry(item.geometry, `${at} geometry`), at);
  if (item.bbox !== undefined) checkItemBbox(item.bbox, at);
  if (item.bbox !== undefined && item.geometry === null)
    fail(at, "bbox", "must be absent when geometry is null");
  checkLinks(item.links, at);
  checkAssets(item.assets, at);
  checkNoNul(item, at);
  return item as StacItem;
}

/** The same for a Collection: id, stac_version, description, license, extent, links, assets. */
export function checkCollectionStructure(value: unknown, where = "collection"): StacCollection {
  const c = object(value, where);
  const id = checkId(c.id, `${where} id`);
  const at = `collection "${id}"`;
  if (c.type !== "Collection") fail(at, "type", 'must be "Collection"');
  checkStacVersion(c, at);
  if (typeof c.description !== "string") fail(at, "description", "must be a string");
  if (typeof c.license !== "string") fail(at, "license", "must be a string");
  const extent = object(c.extent, `${at} extent`);
  const spatial = object(extent.spatial, `${at} extent.spatial`);
  if (!Array.isArray(spatial.bbox) || spatial.bbox.length === 0)
    fail(at, "extent.spatial.bbox", "must be a non-empty list of bboxes");
  for (const [i, b] of spatial.bbox.entries()) checkItemBbox(b, at, `extent.spatial.bbox[${i}]`);
  const temporal = object(extent.temporal, `${at} extent.temporal`);
  if (!Array.isArray(temporal.interval) || temporal.interval.length === 0)
    fail(at, "extent.temporal.interval", "must be a non-empty list of [start, end]");
  for (const [i, iv] of temporal.interval.entries()) checkInterval(iv, at, `extent.temporal.interval[${i}]`);
  checkLinks(c.links, at);
  if (c.assets !== undefined) checkAssets(c.assets, at);
  checkNoNul(c, at);
  return c as StacCollection;
}

function fail(at: string, member: string, message: string): never {
  throw new CatalogInputError(message, `${at} ${member}`);
}

function object(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new CatalogInputError("must be a JSON object", where);
  return v as Record<string, unknown>;
}

/** Ids become URL path segments and keys: no path separators, no control characters, bounded length. */
export function checkId(id: unknown, where: string): string {
  if (typeof id !== "string" || id.length === 0)
    throw new CatalogInputError("must be a non-empty string", where);
  if (id.length > MAX_ID_LENGTH)
    throw new CatalogInputError(`is ${id.length} characters long, more than ${MAX_ID_LENGTH}`, where);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[/\\\u0000-\u001f\u007f]/.test(id))
    throw new CatalogInputError("must not contain /, \\ or control characters (NUL included)", where);
  if (id === "." || id === "..") throw new CatalogInputError('must not be "." or ".."', where);
  return id;
}

function checkStacVersion(o: Record<string, unknown>, at: string): void {
  if (typeof o.stac_version !== "string" || !/^\d+\.\d+\.\d+/.test(o.stac_version))
    fail(at, "stac_version", 'must be a version string such as "1.0.0"');
  if (
    o.stac_extensions !== undefined &&
    (!Array.isArray(o.stac_extensions) || !o.stac_extensions.every((e) => typeof e === "string"))
  )
    fail(at, "stac_extensions", "must be a list of URL strings");
}

/** datetime is an RFC 3339 string or null; null needs start_datetime and end_datetime; both ends ordered. */
function checkTimes(p: Record<string, unknown>, at: string): void {
  const time = (key: string): number | undefined => {
    const v = p[key];
    if (v === undefined || (v === null && key === "datetime")) return undefined;
    if (typeof v !== "string") fail(at, `properties.${key}`, "must be an RFC 3339 date-time string");
    return parseRfc3339(v, `${at} properties.${key}`);
  };
  if (!("datetime" in p))
    fail(at, "properties.datetime", "is required (a date-time, or null with start/end)");
  const dt = time("datetime");
  const start = time("start_datetime");
  const end = time("end_datetime");
  if (dt === undefined && (start === undefined || end === undefined))
    fail(at, "properties.datetime", "is null: start_datetime and end_datetime are then required");
  if (start !== undefined && end !== undefined && start > end)
    fail(at, "properties.end_datetime", "is before start_datetime");
}

function checkInterval(v: unknown, at: string, member: string): void {
  if (!Array.isArray(v) || v.length !== 2) fail(at, member, "must be [start, end]");
  const ends = v.map((x, i) => {
    if (x === null) return undefined;
    if (typeof x !== "string") fail(at, `${member}[${i}]`, "must be an RFC 3339 string or null");
    return parseRfc3339(x, `${at} ${member}[${i}]`);
  });
  if (ends[0] !== undefined && ends[1] !== undefined && ends[0] > ends[1])
    fail(at, member, "ends before it starts");
}

/** 4 or 6 finite numbers, longitudes in [-180, 180], latitudes in [-90, 90], south <= north (west > east: antimeridian). */
function checkItemBbox(v: unknown, at: string, member = "bbox"): void {
  if (
    !Array.isArray(v) ||
    (v.length !== 4 && v.length !== 6) ||
    !v.every((x) => typeof x === "number" && Number.isFinite(x))
  )
    fail(at, member, "must be 4 or 6 numbers");
  const n = v as number[];
  const [w, s, e, north] = n.length === 4 ? n : [n[0]!, n[1]!, n[3]!, n[4]!];
  if ([w, e].some((x) => x! < -180 || x! > 180)) fail(at, member, "has a longitude outside [-180, 180]");
  if ([s, north].some((y) => y! < -90 || y! > 90)) fail(at, member, "has a latitude outside [-90, 90]");
  if (s! > north!) fail(at, member, "has its southern edge above its northern edge");
}

function checkLonLat(g: Geometry, at: string): void {
  for (const [x, y] of positions(g) as [number, number][]) {
    if (x < -180 || x > 180 || y < -90 || y > 90)
      fail(at, "geometry", `has a position [${x}, ${y}] outside longitude [-180, 180] / latitude [-90, 90]`);
  }
}

function checkLinks(v: unknown, at: string): void {
  if (v === undefined) return;
  if (!Array.isArray(v)) fail(at, "links", "must be a list of link objects");
  v.forEach((l, i) => {
    const link = l as Record<string, unknown>;
    if (typeof l !== "object" || l === null || Array.isArray(l)) fail(at, `links[${i}]`, "must be an object");
    if (typeof link.href !== "string" || link.href.length === 0)
      fail(at, `links[${i}].href`, "must be a non-empty string");
    if (typeof link.rel !== "string" || link.rel.length === 0)
      fail(at, `links[${i}].rel`, "must be a non-empty string");
    for (const key of ["type", "title"])
      if (link[key] !== undefined && typeof link[key] !== "string")
        fail(at, `links[${i}].${key}`, "must be a string");
  });
}

function checkAssets(v: unknown, at: string): void {
  if (v === undefined) return;
  if (typeof v !== "object" || v === null || Array.isArray(v))
    fail(at, "assets", "must be an object of assets");
  for (const [key, a] of Object.entries(v)) {
    if (typeof a !== "object" || a === null || Array.isArray(a))
      fail(at, `assets.${key}`, "must be an object");
    const asset = a as Record<string, unknown>;
    if (typeof asset.href !== "string" || asset.href.length === 0)
      fail(at, `assets.${key}.href`, "must be a non-empty string");
    if (
      asset.roles !== undefined &&
      (!Array.isArray(asset.roles) || !asset.roles.every((r) => typeof r === "string"))
    )
      fail(at, `assets.${key}.roles`, "must be a list of strings");
  }
}

/** PostgreSQL's text and jsonb cannot hold NUL: refuse it on every backend, so both store the same things. */
function checkNoNul(v: unknown, at: string, path = "", depth = 0): void {
  if (depth > MAX_DEPTH) fail(at, path, `is nested deeper than ${MAX_DEPTH} levels`);
  if (typeof v === "string") {
    if (v.includes("\u0000")) fail(at, path || "(value)", "contains a NUL character");
  } else if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) checkNoNul(x, at, `${path}[${i}]`, depth + 1);
  } else if (typeof v === "object" && v !== null) {
    for (const [k, x] of Object.entries(v)) {
      if (k.includes("\u0000")) fail(at, path || "(object)", "has a member name with a NUL character");
      checkNoNul(x, at, path ? `${path}.${k}` : k, depth + 1);
    }
  }
}
