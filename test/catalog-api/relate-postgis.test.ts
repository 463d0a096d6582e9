import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Geometry } from "../../catalog-api/geometry/geojson.js";
import { type Relation, relate, toJts } from "../../catalog-api/geometry/relate.js";
import { random } from "./generate-items.js";
import { gridShape, shape } from "./random-shapes.js";

const url = process.env.REFS_TEST_PG_URL;

const ST: Record<Relation, string> = {
  s_contains: "ST_Contains",
  s_within: "ST_Within",
  s_equals: "ST_Equals",
  s_touches: "ST_Touches",
  s_crosses: "ST_Crosses",
  s_overlaps: "ST_Overlaps",
};

/**
 * SQLite's CQL2 spatial functions (JTS through jsts, stored multi-part footprints as the union of their parts)
 * against PostGIS (GEOS) with the store's refs_footprint() on both operands: another implementation of the same
 * DE-9IM model. Grid squares make equal, touching and overlapping pairs frequent.
 */
describe.skipIf(!url)("CQL2 spatial relations vs PostGIS", () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query("CREATE SCHEMA IF NOT EXISTS refs_relate_test");
    await client.query(`CREATE OR REPLACE FUNCTION refs_relate_test.footprint(g geometry) RETURNS geometry LANGUAGE sql IMMUTABLE AS
      $$ SELECT CASE WHEN ST_NumGeometries(g) > 1 AND GeometryType(g) IN ('MULTIPOLYGON', 'GEOMETRYCOLLECTION')
        THEN ST_UnaryUnion(g) ELSE g END $$`);
  });
  afterAll(async () => {
    await client?.query("DROP SCHEMA IF EXISTS refs_relate_test CASCADE");
    await client?.end();
  });

  it("agrees on 1200 random pairs for each of contains, within, equals, touches, crosses, overlaps", async () => {
    const rnd = random(7);
    const pairs: [Geometry, Geometry][] = Array.from({ length: 1200 }, (_, i) =>
      i % 2 ? [gridShape(rnd), gridShape(rnd)] : [shape(rnd), shape(rnd)],
    );
    // an equal pair now and then, in another vertex order
    for (let i = 0; i < pairs.length; i += 10) pairs[i] = [pairs[i + 1]![0], pairs[i + 1]![0]];
    const parsed = pairs.map(([a, b]) => [toJts(a), toJts(b)] as const);
    for (const [relation, fn] of Object.entries(ST) as [Relation, string][]) {
      const r = await client.query(
        `SELECT ${fn}(refs_relate_test.footprint(ST_GeomFromGeoJSON(a)), refs_relate_test.footprint(ST_GeomFromGeoJSON(b))) AS hit FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(a, b, n) ORDER BY n`,
        [pairs.map((p) => JSON.stringify(p[0])), pairs.map((p) => JSON.stringify(p[1]))],
      );
      const theirs = r.rows.map((x) => x.hit as boolean);
      const ours = parsed.map(([a, b]) => relate(a, b, relation));
      const disagreements = ours.map((v, i) => (v === theirs[i] ? -1 : i)).filter((i) => i >= 0);
      expect(
        disagreements.map((i) => JSON.stringify(pairs[i])),
        relation,
      ).toEqual([]);
      expect(theirs.filter(Boolean).length, relation).toBeGreaterThan(25);
    }
  });
});
