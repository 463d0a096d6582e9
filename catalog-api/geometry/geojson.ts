import { CatalogInputError } from "../errors.js";

/** GeoJSON geometries the catalog understands (coordinates in lon/lat degrees). */
export type Position = number[];
export type Geometry =
  | { type: "Point"; coordinates: Position }
  | { type: "MultiPoint"; coordinates: Position[] }
  | { type: "LineString"; coordinates: Position[] }
  | { type: "MultiLineString"; coordinates: Position[][] }
  | { type: "Polygon"; coordinates: Position[][] }
  | { type: "MultiPolygon"; coordinates: Position[][][] }
  | { type: "GeometryCollection"; geometries: Geometry[] };

export type Bbox = [number, number, number, number];

const DEPTH: Record<string, number> = {
  Point: 0,
  MultiPoint: 1,
  LineString: 1,
  MultiLineString: 2,
  Polygon: 2,
  MultiPolygon: 3,
};

/** Check that a value is a well-formed GeoJSON geometry (types, nesting, finite numbers, closed rings). */
export function checkGeometry(value: unknown, parameter: string): Geometry {
  const g = value as { type?: unknown; coordinates?: unknown; geometries?: unknown };
  if (typeof g !== "object" || g === null || typeof g.type !== "string") {
    throw new CatalogInputError("is not a GeoJSON geometry object", parameter);
  }
  if (g.type === "GeometryCollection") {
    if (!Array.isArray(g.geometries))
      throw new CatalogInputError("GeometryCollection needs geometries", parameter);
    for (const [i, m] of g.geometries.entries()) checkGeometry(m, `${parameter}.geometries[${i}]`);
    return value as Geometry;
  }
  const depth = DEPTH[g.type];
  if (depth === undefined) throw new CatalogInputError(`unknown geometry type "${g.type}"`, parameter);
  checkNesting(g.coordinates, depth, parameter);
  if (g.type === "Polygon") checkRings(g.coordinates as Position[][], parameter);
  if (g.type === "MultiPolygon") for (const p of g.coordinates as Position[][][]) checkRings(p, parameter);
  return value as Geometry;
}

function checkNesting(c: unknown, depth: number, parameter: string): void {
  if (depth === 0) {
    const ok =
      Array.isArray(c) && c.length >= 2 && c.every((x) => typeof x === "number" && Number.isFinite(x));
    if (!ok) throw new CatalogInputError("has a position that is not [lon, lat]", parameter);
    return;
  }
  if (!Array.isArray(c) || c.length === 0)
    throw new CatalogInputError("has empty or missing coordinates", parameter);
  for (const x of c) checkNesting(x, depth - 1, parameter);
}

function checkRings(rings: Position[][], parameter: string): void {
  for (const ring of rings) {
    const first = ring[0]!;
    const last = ring[ring.length - 1]!;
    if (ring.length < 4 || first[0] !== last[0] || first[1] !== last[1]) {
      throw new CatalogInputError(
        "has a polygon ring that is not closed with at least 4 positions",
        parameter,
      );
    }
  }
}

/** Every position of a geometry, flattened. */
export function positions(g: Geometry): Position[] {
  switch (g.type) {
    case "Point":
      return [g.coordinates];
    case "MultiPoint":
    case "LineString":
      return g.coordinates;
    case "MultiLineString":
    case "Polygon":
      return g.coordinates.flat();
    case "MultiPolygon":
      return g.coordinates.flat(2);
    case "GeometryCollection":
      return g.geometries.flatMap(positions);
  }
}

export function geometryBbox(g: Geometry): Bbox {
  const box: Bbox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of positions(g) as [number, number][]) {
    box[0] = Math.min(box[0], x);
    box[1] = Math.min(box[1], y);
    box[2] = Math.max(box[2], x);
    box[3] = Math.max(box[3], y);
  }
  return box;
}

/** Accept a 4- or 6-number bbox (2D or 3D), returning the 2D part; south above north is an error. */
export function checkBbox(value: unknown, parameter = "bbox"): Bbox {
  const ok = Array.isArray(value) && (value.length === 4 || value.length === 6);
  if (!ok || !value.every((v) => typeof v === "number" && Number.isFinite(v))) {
    throw new CatalogInputError("must be 4 or 6 numbers", parameter);
  }
  const v = value as number[];
  const box: Bbox = v.length === 4 ? [v[0]!, v[1]!, v[2]!, v[3]!] : [v[0]!, v[1]!, v[3]!, v[4]!];
  if (box[1] > box[3])
    throw new CatalogInputError("has its southern edge above its northern edge", parameter);
  if (box[0] > box[2]) {
    throw new CatalogInputError(
      "crosses the antimeridian (west > east), which this catalog does not support",
      parameter,
    );
  }
  if (box[1] < -90 || box[3] > 90) throw new CatalogInputError("has a latitude outside [-90, 90]", parameter);
  return box;
}

export function bboxPolygon(b: Bbox): Geometry {
  const [w, s, e, n] = b;
  return {
    type: "Polygon",
    coordinates: [
      [
        [w, s],
        [e, s],
        [e, n],
        [w, n],
        [w, s],
      ],
    ],
  };
}
