import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { intersects } from "../../catalog-api/geometry/intersects.js";
import { random } from "./generate-items.js";
import { shape } from "./random-shapes.js";

const url = process.env.REFS_TEST_PG_URL;

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
