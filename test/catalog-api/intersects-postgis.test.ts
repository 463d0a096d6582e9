import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Geometry } from "../../catalog-api/geometry/geojson.js";
import { intersects } from "../../catalog-api/geometry/intersects.js";
import { random } from "./generate-items.js";

const url = process.env.REFS_TEST_PG_URL;

/** Random small shapes: points, segments, triangles/quads (some concave), and polygons with a hole. */
function shape(rnd: () => number): Geometry {
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

/** Our planar intersection test (SQLite's refs_intersects) against PostGIS ST_Intersects, an independent implementation. */
describe.skipIf(!url)("geometry intersects vs PostGIS", () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: url });
    await client.connect();
  });
  afterAll(async () => client?.end());

  it("agrees on 3000 random pairs of points, lines and (holed, concave) polygons", async () => {
    const rnd = random(99);
    const pairs = Array.from({ length: 3000 }, () => [shape(rnd), shape(rnd)] as const);
    const r = await client.query(
      "SELECT ST_Intersects(ST_GeomFromGeoJSON(a), ST_GeomFromGeoJSON(b)) AS hit FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(a, b, n) ORDER BY n",
      [pairs.map((p) => JSON.stringify(p[0])), pairs.map((p) => JSON.stringify(p[1]))],
    );
    const theirs = r.rows.map((x) => x.hit as boolean);
    const ours = pairs.map(([a, b]) => intersects(a, b));
    const disagreements = ours.map((v, i) => (v === theirs[i] ? -1 : i)).filter((i) => i >= 0);
    expect(disagreements.map((i) => JSON.stringify(pairs[i]))).toEqual([]);
    expect(theirs.filter(Boolean).length).toBeGreaterThan(300);
    expect(theirs.filter((v) => !v).length).toBeGreaterThan(300);
  });
});
