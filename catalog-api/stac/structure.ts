/**
 * The STAC 1.0.0 rules every Catalog, Collection and Item must meet, checked by our own code: what the catalog
 * still guarantees when no JSON Schema can be had (offline, nothing cached), and a first line before the schemas.
 * Each message names the field, as the validator's do ("/bbox must have 4 or 6 numbers").
 */

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === "string" && v.length > 0;
const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isDateTime = (v: unknown) => typeof v === "string" && !Number.isNaN(Date.parse(v)) && /T/.test(v);

/** The structural errors of one STAC object (empty when it is well-formed). */
export function stacStructureErrors(o: unknown): string[] {
  if (!isObject(o)) return ["/ must be an object"];
  const errors: string[] = [];
  const need = (ok: boolean, message: string) => ok || errors.push(message);
  need(isText(o.stac_version), "/stac_version must be a string");
  need(isText(o.id), "/id must be a non-empty string");
  const ext = o.stac_extensions;
  need(ext === undefined || (Array.isArray(ext) && ext.every(isText)), "/stac_extensions must be strings");
  errors.push(...linkErrors(o.links));
  if (o.type === "Catalog" || o.type === "Collection") {
    need(isText(o.description), "/description must be a non-empty string");
  }
  if (o.type === "Collection") errors.push(...collectionErrors(o));
  else if (o.type === "Feature") errors.push(...itemErrors(o));
  else if (o.type !== "Catalog")
    errors.push(`/type must be Catalog, Collection or Feature, not ${JSON.stringify(o.type)}`);
  return errors;
}

function linkErrors(links: unknown): string[] {
  if (!Array.isArray(links)) return ["/links must be an array"];
  return links.flatMap((l, i) =>
    isObject(l) && isText(l.rel) && isText(l.href) ? [] : [`/links/${i} must have a rel and an href`],
  );
}

function collectionErrors(o: Obj): string[] {
  const errors: string[] = [];
  if (!isText(o.license)) errors.push("/license must be a non-empty string");
  const extent = isObject(o.extent) ? o.extent : undefined;
  const spatial = isObject(extent?.spatial) ? extent.spatial.bbox : undefined;
  if (!Array.isArray(spatial) || spatial.length === 0)
    errors.push("/extent/spatial/bbox must be a list of boxes");
  else errors.push(...spatial.flatMap((b, i) => bboxErrors(b, `/extent/spatial/bbox/${i}`)));
  const temporal = isObject(extent?.temporal) ? extent.temporal.interval : undefined;
  if (!Array.isArray(temporal) || temporal.length === 0)
    errors.push("/extent/temporal/interval must be a list of intervals");
  else
    temporal.forEach((t, i) => {
      const ok = Array.isArray(t) && t.length === 2 && t.every((v) => v === null || isDateTime(v));
      if (!ok) errors.push(`/extent/temporal/interval/${i} must be [start, end], each a date-time or null`);
    });
  return errors;
}

function itemErrors(o: Obj): string[] {
  const errors: string[] = [];
  if (o.geometry !== null) errors.push(...geometryErrors(o.geometry, "/geometry"));
  if (o.geometry !== null || o.bbox !== undefined) errors.push(...bboxErrors(o.bbox, "/bbox"));
  const p = o.properties;
  if (!isObject(p)) errors.push("/properties must be an object");
  else {
    const hasRange = p.start_datetime !== undefined || p.end_datetime !== undefined;
    if (p.datetime === null) {
      if (!isDateTime(p.start_datetime) || !isDateTime(p.end_datetime))
        errors.push("/properties: datetime null needs start_datetime and end_datetime");
    } else if (!isDateTime(p.datetime)) errors.push("/properties/datetime must be a date-time or null");
    if (hasRange && !(isDateTime(p.start_datetime) && isDateTime(p.end_datetime)))
      errors.push("/properties: start_datetime and end_datetime must both be date-times");
  }
  if (!isObject(o.assets)) errors.push("/assets must be an object");
  else
    for (const [key, a] of Object.entries(o.assets))
      if (!isObject(a) || !isText(a.href)) errors.push(`/assets/${key} must have an href`);
  return errors;
}

function bboxErrors(b: unknown, at: string): string[] {
  if (!Array.isArray(b) || (b.length !== 4 && b.length !== 6) || !b.every(isNumber))
    return [`${at} must have 4 or 6 numbers`];
  const half = b.length / 2;
  const [south, north] = [b[1] as number, b[half + 1] as number];
  // west > east is allowed: a box across the antimeridian
  if (south > north) return [`${at}: south ${south} is above north ${north}`];
  return [];
}

const POSITION_DEPTH: Record<string, number> = {
  Point: 0,
  MultiPoint: 1,
  LineString: 1,
  MultiLineString: 2,
  Polygon: 2,
  MultiPolygon: 3,
};

function geometryErrors(g: unknown, at: string): string[] {
  if (!isObject(g)) return [`${at} must be a GeoJSON geometry or null`];
  if (g.type === "GeometryCollection") {
    if (!Array.isArray(g.geometries)) return [`${at}/geometries must be an array`];
    return g.geometries.flatMap((c, i) => geometryErrors(c, `${at}/geometries/${i}`));
  }
  const depth = typeof g.type === "string" ? POSITION_DEPTH[g.type] : undefined;
  if (depth === undefined) return [`${at}/type ${JSON.stringify(g.type)} is not a GeoJSON geometry type`];
  if (!positionsOk(g.coordinates, depth)) return [`${at}/coordinates are not ${g.type} coordinates`];
  const polygons = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
  const short = (polygons as unknown[][][]).some((rings) => rings.some((ring) => ring.length < 4));
  return short ? [`${at}/coordinates: a polygon ring needs at least 4 positions`] : [];
}

/** Nested arrays `depth` deep, ending in positions of 2 or 3 finite numbers. */
function positionsOk(c: unknown, depth: number): boolean {
  if (!Array.isArray(c)) return false;
  if (depth === 0) return (c.length === 2 || c.length === 3) && c.every(isNumber);
  return c.every((inner) => positionsOk(inner, depth - 1));
}
