import { cellToLatLng } from "h3-js";
import { beforeAll, describe, expect, it } from "vitest";
import type { StacItem } from "../../catalog-api/stac/types.js";
import { generatedCollection, generateItems } from "./generate-items.js";
import { type Json, type SuiteContext, sorted } from "./suite-context.js";

type Pos = number[];

/** Positions of an item's footprint (a MultiPolygon of H3 cell outlines, without holes). */
function polygons(i: StacItem): Pos[][] {
  return (i.geometry as { coordinates: Pos[][][] }).coordinates.map((p) => p[0]!);
}

/** Ray casting: strictly inside a ring (points on an edge are measure-zero for the points used here). */
function inRing(p: Pos, ring: Pos[]): boolean {
  let inside = false;
  for (let a = 0, b = ring.length - 1; a < ring.length; b = a++) {
    const [xa, ya] = ring[a]!;
    const [xb, yb] = ring[b]!;
    if (ya! > p[1]! !== yb! > p[1]! && p[0]! < ((xb! - xa!) * (p[1]! - ya!)) / (yb! - ya!) + xa!)
      inside = !inside;
  }
  return inside;
}

const inBox = (p: Pos, b: number[]) => p[0]! >= b[0]! && p[0]! <= b[2]! && p[1]! >= b[1]! && p[1]! <= b[3]!;

/** Array elements compare by JSON type and value. */
const same = (a: unknown, b: unknown) => typeof a === typeof b && a === b;
const has = (list: unknown[], v: unknown) => list.some((x) => same(x, v));

const TAGS: unknown[] = ["red", "green", "blue", 1, 2.5, true];
const SITES = ["Évora", "evora", "EVORA", "Zürich", "zurich", "Ångström", "São Paulo", "sao paulo", "Straße"];

/** Items of a second collection with an array property (`tags`) and accented, mixed-case names (`site`). */
function wordItems(): StacItem[] {
  return generateItems(240, "words", 7).map((item, i) => {
    const p = item.properties as Json;
    if (i % 11 === 0)
      p.tags = "red"; // not an array: no array function matches it
    else if (i % 13 !== 0) p.tags = TAGS.filter((_, k) => (i * 7 + k * 3) % 5 < 2 + (i % 3));
    p.site = SITES[i % SITES.length];
    return item;
  });
}

/**
 * CQL2 spatial functions beyond S_INTERSECTS, array functions, CASEI and ACCENTI: answers compared with brute force
 * over the items in plain JS (point in polygon, vertices in a box, sets of cells, array and string folding).
 */
export function cql2FunctionTests(ctx: SuiteContext): void {
  const { get, post, collect, searchIds } = ctx;
  const gen = () => ctx.items;
  const ids = (list: StacItem[]) => sorted(list.map((i) => i.id));
  const text = async (filter: string, collections = "gen") =>
    sorted(await searchIds(`collections=${collections}&filter=${encodeURIComponent(filter)}`));
  const json = async (filter: Json, collections = "gen") =>
    sorted(await collect(await post("/search", { collections: [collections], limit: 1000, filter })));

  describe("CQL2 spatial, array and case/accent-insensitive functions", () => {
    const words = wordItems();
    beforeAll(async () => {
      await ctx.store().putCollection({
        ...generatedCollection("words"),
        summaries: { tags: ["red", "green", "blue"], site: SITES },
      });
      await ctx.store().putItems("words", words);
    });

    it("S_WITHIN / S_CONTAINS with a box: items whose every vertex lies in it, either argument order, text and JSON", async () => {
      const box = [0, 35, 10, 45];
      const want = ids(gen().filter((i) => polygons(i).every((r) => r.every((p) => inBox(p, box)))));
      expect(want.length).toBeGreaterThan(50);
      expect(want.length).toBeLessThan(gen().length / 2);
      expect(await text(`S_WITHIN(geometry, BBOX(${box.join(",")}))`)).toEqual(want);
      expect(await text(`S_CONTAINS(BBOX(${box.join(",")}), geometry)`)).toEqual(want);
      const ring = [
        [0, 35],
        [10, 35],
        [10, 45],
        [0, 45],
        [0, 35],
      ];
      expect(
        await json({
          op: "s_within",
          args: [{ property: "geometry" }, { type: "Polygon", coordinates: [ring] }],
        }),
      ).toEqual(want);
      const notWithin = await text(`NOT S_WITHIN(geometry, BBOX(${box.join(",")}))`);
      expect(notWithin).toEqual(ids(gen().filter((i) => !want.includes(i.id))));
    });

    it("S_CONTAINS(geometry, POINT) and S_WITHIN(POINT, geometry): items with the point inside", async () => {
      const points = [3, 400, 1200, 2222].map((k) => {
        const [lat, lng] = cellToLatLng((gen()[k]!.properties["h3:cells"] as string[])[0]!);
        return [lng, lat];
      });
      points.push([5.5, 40.25], [100, 0]);
      let found = 0;
      for (const p of points) {
        const want = ids(gen().filter((i) => polygons(i).some((r) => inRing(p, r))));
        found += want.length;
        expect(await text(`S_CONTAINS(geometry, POINT(${p[0]} ${p[1]}))`), String(p)).toEqual(want);
        expect(
          await json({ op: "s_within", args: [{ type: "Point", coordinates: p }, { property: "geometry" }] }),
          String(p),
        ).toEqual(want);
      }
      expect(found).toBeGreaterThanOrEqual(4);
    });

    it("S_EQUALS: items whose footprint is the same set of cells as the given one's", async () => {
      const key = (i: StacItem) => [...(i.properties["h3:cells"] as string[])].sort().join();
      for (const k of [5, 77, 901]) {
        const target = gen()[k]!;
        const want = ids(gen().filter((i) => key(i) === key(target)));
        expect(want).toContain(target.id);
        const got = await json({ op: "s_equals", args: [{ property: "geometry" }, target.geometry] });
        expect(got, target.id).toEqual(want);
        // the same geometry with its polygons in the reverse order is topologically equal
        const reversed = {
          type: "MultiPolygon",
          coordinates: [...(target.geometry as { coordinates: unknown[] }).coordinates].reverse(),
        };
        expect(await json({ op: "s_equals", args: [reversed, { property: "geometry" }] })).toEqual(want);
      }
    });

    it("S_DISJOINT is the complement of S_INTERSECTS; boxes apart are disjoint, a vertex inside is not", async () => {
      const box = [2, 38, 6, 42];
      const b = `BBOX(${box.join(",")})`;
      const hit = await text(`S_INTERSECTS(geometry, ${b})`);
      const apart = await text(`S_DISJOINT(geometry, ${b})`);
      expect(sorted([...hit, ...apart])).toEqual(ids(gen()));
      expect(hit.filter((id) => apart.includes(id))).toEqual([]);
      for (const i of gen()) {
        const vs = polygons(i).flat();
        const xs = vs.map((v) => v[0]!);
        const ys = vs.map((v) => v[1]!);
        const boxesApart =
          Math.max(...xs) < box[0]! ||
          Math.min(...xs) > box[2]! ||
          Math.max(...ys) < box[1]! ||
          Math.min(...ys) > box[3]!;
        if (boxesApart) expect(apart, i.id).toContain(i.id);
        if (vs.some((v) => inBox(v, box))) expect(hit, i.id).toContain(i.id);
      }
      expect(hit.length).toBeGreaterThan(20);
    });

    it("S_OVERLAPS, S_TOUCHES and S_CROSSES answer consistently with the other relations", async () => {
      const box = [2, 38, 6, 42];
      const b = `BBOX(${box.join(",")})`;
      const hit = await text(`S_INTERSECTS(geometry, ${b})`);
      const within = await text(`S_WITHIN(geometry, ${b})`);
      const overlaps = await text(`S_OVERLAPS(geometry, ${b})`);
      const touches = await text(`S_TOUCHES(geometry, ${b})`);
      // a polygon meeting a box interior to interior either lies in it, covers it, or overlaps it
      expect(overlaps.length).toBeGreaterThan(0);
      expect(overlaps.every((id) => hit.includes(id) && !within.includes(id))).toBe(true);
      expect(touches.every((id) => hit.includes(id) && !within.includes(id) && !overlaps.includes(id))).toBe(
        true,
      );
      // a line from inside an item's cell to far outside crosses it
      const item = gen()[400]!;
      const [lat, lng] = cellToLatLng((item.properties["h3:cells"] as string[])[0]!);
      const line = `LINESTRING(${lng} ${lat}, 60 80)`;
      const crosses = await text(`S_CROSSES(geometry, ${line})`);
      const containsStart = ids(gen().filter((i) => polygons(i).some((r) => inRing([lng, lat], r))));
      expect(containsStart.every((id) => crosses.includes(id))).toBe(true);
      const lineHits = await text(`S_INTERSECTS(geometry, ${line})`);
      expect(crosses.every((id) => lineHits.includes(id))).toBe(true);
      expect(await text(`S_CROSSES(geometry, ${b})`)).toEqual([]); // two areas never cross
    });

    it("spatial functions refuse what they cannot take, with a 400 naming the function", async () => {
      for (const f of [
        "S_CONTAINS(geometry, geometry)",
        "S_WITHIN(POINT(1 2), POINT(1 2))",
        "S_EQUALS(platform, POINT(1 2))",
        "S_TOUCHES(geometry, 'x')",
      ]) {
        const r = await get(`/search?filter=${encodeURIComponent(f)}`);
        expect(r.status, f).toBe(400);
        expect(r.body.description, f).toMatch(/^filter: S_[A-Z]+ needs/);
      }
    });

    it("A_EQUALS, A_CONTAINS, A_CONTAINEDBY, A_OVERLAPS (text and JSON, either order) as brute force", async () => {
      const arrays = words.filter((i) => Array.isArray((i.properties as Json).tags));
      const tags = (i: StacItem) => (i.properties as Json).tags as unknown[];
      const cases: [string, Json, (t: unknown[]) => boolean][] = [
        [
          "A_CONTAINS(tags, ('red', 'blue'))",
          { op: "a_contains", args: [{ property: "tags" }, ["red", "blue"]] },
          (t) => has(t, "red") && has(t, "blue"),
        ],
        [
          "A_CONTAINEDBY(tags, ('red', 'green', 1))",
          { op: "a_containedby", args: [{ property: "tags" }, ["red", "green", 1]] },
          (t) => t.every((x) => has(["red", "green", 1], x)),
        ],
        [
          "A_CONTAINS(('red', 'green', 1), tags)",
          { op: "a_contains", args: [["red", "green", 1], { property: "tags" }] },
          (t) => t.every((x) => has(["red", "green", 1], x)),
        ],
        [
          "A_OVERLAPS(tags, ('blue', 2.5, TRUE))",
          { op: "a_overlaps", args: [{ property: "tags" }, ["blue", 2.5, true]] },
          (t) => t.some((x) => has(["blue", 2.5, true], x)),
        ],
        [
          "A_EQUALS(tags, ('red', 'green'))",
          { op: "a_equals", args: [{ property: "tags" }, ["red", "green"]] },
          (t) => t.length === 2 && same(t[0], "red") && same(t[1], "green"),
        ],
        [
          "A_EQUALS(tags, (1.0, 2.5))",
          { op: "a_equals", args: [{ property: "tags" }, [1.0, 2.5]] },
          (t) => t.length === 2 && same(t[0], 1) && same(t[1], 2.5),
        ],
        [
          "A_OVERLAPS(tags, ('1'))",
          { op: "a_overlaps", args: [{ property: "tags" }, ["1"]] },
          (t) => has(t, "1"),
        ],
        [
          "NOT A_OVERLAPS(tags, ('red'))",
          { op: "not", args: [{ op: "a_overlaps", args: [{ property: "tags" }, ["red"]] }] },
          (t) => !has(t, "red"),
        ],
        ["A_CONTAINS(tags, ())", { op: "a_contains", args: [{ property: "tags" }, []] }, () => true],
      ];
      let nonEmpty = 0;
      for (const [t, j, pred] of cases) {
        const want = ids(arrays.filter((i) => pred(tags(i))));
        if (want.length > 0 && want.length < arrays.length) nonEmpty++;
        expect(await text(t, "words"), t).toEqual(want);
        expect(await json(j, "words"), t).toEqual(want);
      }
      expect(nonEmpty).toBeGreaterThanOrEqual(5);
      for (const bad of [
        "A_CONTAINS(tags, 'red')",
        "A_CONTAINS(('a'), ('b'))",
        "A_OVERLAPS(datetime, ('x'))",
      ]) {
        expect((await get(`/search?filter=${encodeURIComponent(bad)}`)).status, bad).toBe(400);
      }
    });

    it("CASEI and ACCENTI in comparisons, LIKE and IN, text and JSON, as brute force", async () => {
      const fold = (s: string) => s.normalize("NFD").replace(/\p{Mn}/gu, "");
      const site = (i: StacItem) => (i.properties as Json).site as string;
      const cases: [string, Json | undefined, (s: string) => boolean][] = [
        [
          "CASEI(site) = CASEI('EVORA')",
          { op: "=", args: [{ casei: { property: "site" } }, { casei: "EVORA" }] },
          (s) => s.toLowerCase() === "evora",
        ],
        [
          "ACCENTI(site) = ACCENTI('Evora')",
          { op: "=", args: [{ accenti: { property: "site" } }, { accenti: "Evora" }] },
          (s) => fold(s) === "Evora",
        ],
        [
          "CASEI(ACCENTI(site)) = CASEI(ACCENTI('ÉVORA'))",
          {
            op: "=",
            args: [{ casei: { accenti: { property: "site" } } }, { casei: { accenti: "ÉVORA" } }],
          },
          (s) => fold(s).toLowerCase() === "evora",
        ],
        ["CASEI(site) LIKE 'sã%'", undefined, (s) => s.toLowerCase().startsWith("sã")],
        [
          "ACCENTI(site) IN ('Zurich', 'Angstrom')",
          undefined,
          (s) => ["Zurich", "Angstrom"].includes(fold(s)),
        ],
        ["CASEI(site) = 'straße'", undefined, (s) => s.toLowerCase() === "straße"],
      ];
      for (const [t, j, pred] of cases) {
        const want = ids(words.filter((i) => pred(site(i))));
        expect(want.length, t).toBeGreaterThan(0);
        expect(await text(t, "words"), t).toEqual(want);
        if (j) expect(await json(j, "words"), t).toEqual(want);
      }
      expect((await get(`/search?filter=${encodeURIComponent("CASEI(quality) = 1")}`)).status).toBe(400);
      const deep = `${"CASEI(".repeat(100)}site${")".repeat(100)} = 'x'`;
      expect((await get(`/search?filter=${encodeURIComponent(deep)}`)).status).toBe(400);
    });

    it("conformance declares the CQL2 classes these implement", async () => {
      const conf = (await get("/conformance")).body.conformsTo as string[];
      for (const c of [
        "spatial-functions",
        "basic-spatial-functions-plus",
        "array-functions",
        "case-insensitive-comparison",
        "accent-insensitive-comparison",
      ])
        expect(conf).toContain(`http://www.opengis.net/spec/cql2/1.0/conf/${c}`);
    });
  });
}
