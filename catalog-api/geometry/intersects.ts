import type { Geometry, Position } from "./geojson.js";

/**
 * Planar intersection test of two GeoJSON geometries (lon/lat treated as x/y, like PostGIS on geometry columns).
 * Two shapes intersect when any of their segments cross, or a point of one lies in or on the other. Used by the
 * SQLite backend as a SQL function; PostgreSQL answers the same question with PostGIS ST_Intersects.
 */
export function intersects(a: Geometry, b: Geometry): boolean {
  const pa = parts(a);
  const pb = parts(b);
  return pa.some((x) => pb.some((y) => partsIntersect(x, y)));
}

/** A geometry broken into simple parts: a point, a line (open path) or a polygon (rings). */
type Part =
  | { kind: "point"; p: Position }
  | { kind: "line"; path: Position[] }
  | { kind: "polygon"; rings: Position[][] };

function parts(g: Geometry): Part[] {
  switch (g.type) {
    case "Point":
      return [{ kind: "point", p: g.coordinates }];
    case "MultiPoint":
      return g.coordinates.map((p) => ({ kind: "point", p }));
    case "LineString":
      return [{ kind: "line", path: g.coordinates }];
    case "MultiLineString":
      return g.coordinates.map((path) => ({ kind: "line", path }));
    case "Polygon":
      return [{ kind: "polygon", rings: g.coordinates }];
    case "MultiPolygon":
      return g.coordinates.map((rings) => ({ kind: "polygon", rings }));
    case "GeometryCollection":
      return g.geometries.flatMap(parts);
  }
}

function paths(x: Part): Position[][] {
  return x.kind === "point" ? [[x.p]] : x.kind === "line" ? [x.path] : x.rings;
}

function partsIntersect(a: Part, b: Part): boolean {
  for (const pa of paths(a)) {
    for (const pb of paths(b)) if (pathsCross(pa, pb)) return true;
  }
  // no boundary contact: one may still lie wholly inside the other polygon
  if (b.kind === "polygon" && insidePolygon(firstPosition(a), b.rings)) return true;
  if (a.kind === "polygon" && insidePolygon(firstPosition(b), a.rings)) return true;
  return false;
}

function firstPosition(x: Part): Position {
  return x.kind === "point" ? x.p : x.kind === "line" ? x.path[0]! : x.rings[0]![0]!;
}

function pathsCross(a: Position[], b: Position[]): boolean {
  const sa = a.length === 1 ? [[a[0]!, a[0]!]] : a.slice(1).map((p, i) => [a[i]!, p]);
  const sb = b.length === 1 ? [[b[0]!, b[0]!]] : b.slice(1).map((p, i) => [b[i]!, p]);
  return sa.some(([p, q]) => sb.some(([r, s]) => segmentsTouch(p!, q!, r!, s!)));
}

function orient(a: Position, b: Position, c: Position): number {
  const v = (b[0]! - a[0]!) * (c[1]! - a[1]!) - (b[1]! - a[1]!) * (c[0]! - a[0]!);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

function onSegment(a: Position, b: Position, p: Position): boolean {
  return (
    Math.min(a[0]!, b[0]!) <= p[0]! &&
    p[0]! <= Math.max(a[0]!, b[0]!) &&
    Math.min(a[1]!, b[1]!) <= p[1]! &&
    p[1]! <= Math.max(a[1]!, b[1]!)
  );
}

function segmentsTouch(p: Position, q: Position, r: Position, s: Position): boolean {
  const o1 = orient(p, q, r);
  const o2 = orient(p, q, s);
  const o3 = orient(r, s, p);
  const o4 = orient(r, s, q);
  if (o1 !== o2 && o3 !== o4) return true;
  return (
    (o1 === 0 && onSegment(p, q, r)) ||
    (o2 === 0 && onSegment(p, q, s)) ||
    (o3 === 0 && onSegment(r, s, p)) ||
    (o4 === 0 && onSegment(r, s, q))
  );
}

/** Even-odd ray casting over all rings (holes included). Points on an edge are caught by pathsCross. */
function insidePolygon(p: Position, rings: Position[][]): boolean {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i] as [number, number];
      const [xj, yj] = ring[j] as [number, number];
      if (yi > p[1]! !== yj > p[1]! && p[0]! < ((xj - xi) * (p[1]! - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}
