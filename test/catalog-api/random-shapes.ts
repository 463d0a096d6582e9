import type { Geometry } from "../../catalog-api/geometry/geojson.js";

/** Random small shapes: points, segments, triangles/quads (some concave), and polygons with a hole. */
export function shape(rnd: () => number): Geometry {
  const x = rnd() * 4;
  const y = rnd() * 4;
  const r = 0.5 + rnd() * 3;
  const kind = Math.floor(rnd() * 5);
  const at = (a: number, s = r) => [x + s * Math.cos(a), y + s * Math.sin(a)];
  if (kind === 0) return { type: "Point", coordinates: [x, y] };
  if (kind === 1) return { type: "LineString", coordinates: [at(rnd() * 6.3), at(rnd() * 6.3)] };
  if (kind === 2) return { type: "MultiPoint", coordinates: [at(0), at(2)] };
  const n = 3 + Math.floor(rnd() * 4);
  const ring = Array.from({ length: n }, (_, i) => at((i / n) * 2 * Math.PI, i % 2 ? r * 0.4 : r));
  ring.push(ring[0]!);
  if (kind === 3) return { type: "Polygon", coordinates: [ring] };
  const hole = Array.from({ length: 4 }, (_, i) => at((i / 4) * 2 * Math.PI + 0.3, r * 0.2));
  hole.push(hole[0]!);
  return { type: "MultiPolygon", coordinates: [[ring, hole.reverse()]] };
}

/**
 * Axis-aligned squares and rectangles on a coarse grid, one or several (side by side, overlapping or apart) as a
 * MultiPolygon: equal, touching, overlapping and nested pairs are frequent among them.
 */
export function gridShape(rnd: () => number): Geometry {
  const box = () => {
    const x = Math.floor(rnd() * 4);
    const y = Math.floor(rnd() * 4);
    const w = 1 + Math.floor(rnd() * 2);
    const h = 1 + Math.floor(rnd() * 2);
    return [
      [
        [x, y],
        [x + w, y],
        [x + w, y + h],
        [x, y + h],
        [x, y],
      ],
    ];
  };
  const k = rnd();
  if (k < 0.15) return { type: "Point", coordinates: [Math.floor(rnd() * 5), Math.floor(rnd() * 5)] };
  if (k < 0.3) {
    const a = [Math.floor(rnd() * 5), Math.floor(rnd() * 5)];
    const b = [a[0]! + 1 + Math.floor(rnd() * 2), Math.floor(rnd() * 5)]; // never of zero length
    return { type: "LineString", coordinates: [a, b] };
  }
  if (k < 0.7) return { type: "Polygon", coordinates: box() };
  return { type: "MultiPolygon", coordinates: [box(), box()] };
}
