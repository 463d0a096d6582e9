import { beforeAll, describe, expect, it } from "vitest";
import type { StacCollection, StacItem } from "../../catalog-api/stac/types.js";
import { generatedCollection, generateItems, random } from "./generate-items.js";
import { type Json, type SuiteContext, sorted } from "./suite-context.js";

const WORDS = [
  "Ocean",
  "rain",
  "Sentinel-2",
  "Earth Observation",
  "EO",
  "glacier",
  "Précipitation",
  "soil, moisture",
];

/** Collections with varied extents (one across the antimeridian, open intervals) and texts. */
function collections(): StacCollection[] {
  const rnd = random(5);
  return Array.from({ length: 40 }, (_, i) => {
    const w = -180 + rnd() * 300;
    const s = -80 + rnd() * 120;
    const box =
      i === 3
        ? [170, -10, -170, 10]
        : [w, s, Math.min(180, w + 5 + rnd() * 60), Math.min(90, s + 5 + rnd() * 40)];
    const y = 2000 + Math.floor(rnd() * 20);
    const interval = [
      i % 9 === 0 ? null : `${y}-01-01T00:00:00Z`,
      i % 7 === 0 ? null : `${y + Math.floor(rnd() * 4)}-12-31T00:00:00Z`,
    ];
    const pick = (k: number) => WORDS[(i * 3 + k) % WORDS.length]!;
    return {
      ...generatedCollection(`cs-${String(i).padStart(2, "0")}`),
      title: `${pick(0)} collection ${i}`,
      description: `About ${pick(1).toLowerCase()} and more`,
      keywords: i % 5 === 0 ? [] : [pick(2), pick(4)],
      license: i % 2 ? "CC-BY-4.0" : "MIT",
      extent: { spatial: { bbox: [box] }, temporal: { interval: [interval] } },
    } as StacCollection;
  });
}

/** Items with title, description and keywords, for free text on item search. */
function textItems(): StacItem[] {
  return generateItems(60, "texts", 3).map((item, i) => {
    const p = item.properties as Json;
    p.title = `Scene ${i} of ${WORDS[i % WORDS.length]}`;
    if (i % 4 === 0) p.description = `Shows ${WORDS[(i + 3) % WORDS.length]}`;
    if (i % 3 === 0) p.keywords = [WORDS[(i + 5) % WORDS.length], "x"];
    return item;
  });
}

const lower = (s: string) => s.toLowerCase();

/** Collection search (GET /collections?bbox&datetime&q&filter&limit) and free text `q` on item search. */
export function collectionSearchTests(ctx: SuiteContext): void {
  const { get, post, collect } = ctx;
  describe("collection search and free text", () => {
    const cols = collections();
    const items = textItems();
    beforeAll(async () => {
      for (const c of cols) await ctx.store().putCollection(c);
      await ctx.store().putCollection(generatedCollection("texts"));
      await ctx.store().putItems("texts", items);
    });
    const all = async () => (await ctx.store().listCollections()) as StacCollection[];
    /** Every page of a collection search, following next links; checks numberMatched on each. */
    const pages = async (query: string) => {
      const out: string[] = [];
      let r = await get(`/collections?${query}`);
      for (let guard = 0; guard < 100; guard++) {
        expect(r.status, query).toBe(200);
        out.push(...r.body.collections.map((c: Json) => c.id));
        const next = r.body.links.find((l: Json) => l.rel === "next");
        if (!next) return { ids: out, matched: r.body.numberMatched as number };
        r = await get(next.href.replace("http://api.test", ""));
      }
      throw new Error("too many pages");
    };
    const text = (c: StacCollection) =>
      lower([c.id, c.title ?? "", c.description ?? "", ...((c.keywords as string[]) ?? [])].join("\n"));
    const span = (c: StacCollection) => {
      const [a, b] = (c.extent as Json).temporal.interval[0];
      return [a ? Date.parse(a) : -Infinity, b ? Date.parse(b) : Infinity];
    };
    const meets = (c: StacCollection, q: number[]) => {
      const [w, s, e, n] = (c.extent as Json).spatial.bbox[0];
      const parts =
        w <= e
          ? [[w, e]]
          : [
              [w, 180],
              [-180, e],
            ];
      return s <= q[3]! && n >= q[1]! && parts.some(([a, b]) => a <= q[2]! && b >= q[0]!);
    };

    it("bbox, datetime and q (comma = OR, AND, quoted phrases) as brute force, paged with limit", async () => {
      const universe = await all();
      const cases: [string, (c: StacCollection) => boolean][] = [
        ["bbox=-20,-10,40,30", (c) => meets(c, [-20, -10, 40, 30])],
        ["bbox=175,-5,179,5", (c) => meets(c, [175, -5, 179, 5])],
        [
          "datetime=2010-06-01T00:00:00Z/2012-01-01T00:00:00Z",
          (c) =>
            span(c)[0]! <= Date.parse("2012-01-01T00:00:00Z") &&
            span(c)[1]! >= Date.parse("2010-06-01T00:00:00Z"),
        ],
        ["datetime=../2003-01-01T00:00:00Z", (c) => span(c)[0]! <= Date.parse("2003-01-01T00:00:00Z")],
        [`q=${encodeURIComponent("ocean")}`, (c) => text(c).includes("ocean")],
        [
          `q=${encodeURIComponent("EO,Earth Observation")}`,
          (c) => text(c).includes("eo") || text(c).includes("earth observation"),
        ],
        [
          `q=${encodeURIComponent("rain AND glacier")}`,
          (c) => text(c).includes("rain") && text(c).includes("glacier"),
        ],
        [
          `q=${encodeURIComponent('"soil, moisture" OR PRÉCIPITATION')}`,
          (c) => text(c).includes("soil, moisture") || text(c).includes("précipitation"),
        ],
        [
          `bbox=-180,-90,0,90&q=collection&datetime=2005-01-01T00:00:00Z/..`,
          (c) =>
            meets(c, [-180, -90, 0, 90]) &&
            text(c).includes("collection") &&
            span(c)[1]! >= Date.parse("2005-01-01T00:00:00Z"),
        ],
      ];
      let nonTrivial = 0;
      for (const [query, pred] of cases) {
        const want = universe
          .filter(pred)
          .map((c) => c.id)
          .sort();
        if (want.length > 0 && want.length < universe.length) nonTrivial++;
        const got = await pages(`${query}&limit=4`);
        expect(got.ids, query).toEqual(want); // in id order, no duplicates or gaps
        expect(got.matched, query).toBe(want.length);
        expect(sorted((await pages(query)).ids), query).toEqual(want);
      }
      expect(nonTrivial).toBeGreaterThanOrEqual(8);
    });

    it("sortby (with ties broken by id) and fields, paged forwards by next and back by prev links, as brute force", async () => {
      const universe = await all();
      const start = (c: StacCollection) => {
        const a = (c.extent as Json)?.temporal?.interval?.[0]?.[0];
        return typeof a === "string" ? Date.parse(a) : null;
      };
      const value = (c: StacCollection, field: string) =>
        field === "datetime" ? start(c) : typeof (c as Json)[field] === "string" ? (c as Json)[field] : "";
      const cmp = (x: unknown, y: unknown) =>
        x === y ? 0 : x === null ? -1 : y === null ? 1 : (x as string) < (y as string) ? -1 : 1;
      for (const sortby of [
        "title",
        "-license,title",
        "-datetime",
        "+license,-id",
        "datetime,-title",
        "-id",
      ]) {
        const keys = sortby
          .split(",")
          .map((k) => ({ field: k.replace(/^[+-]/, ""), desc: k.startsWith("-") }));
        const want = [...universe]
          .sort((a, b) => {
            for (const k of keys) {
              const d = cmp(value(a, k.field), value(b, k.field));
              if (d) return k.desc ? -d : d;
            }
            return cmp(a.id, b.id);
          })
          .map((c) => c.id);
        const q = `sortby=${encodeURIComponent(sortby)}&fields=${encodeURIComponent("id,title,-links")}`;
        const got = await pages(`${q}&limit=7`);
        expect(got.ids, sortby).toEqual(want);
        // back from the last page by prev links: the same pages in reverse
        let r = await get(`/collections?${q}&limit=7`);
        const forward: string[][] = [];
        for (;;) {
          forward.push(r.body.collections.map((c: Json) => c.id));
          for (const c of r.body.collections)
            expect(Object.keys(c).sort()).toEqual(
              ["id", "links", "title", "type"].filter((k) => k in c).sort(),
            );
          const next = r.body.links.find((l: Json) => l.rel === "next");
          if (!next) break;
          r = await get(next.href.replace("http://api.test", ""));
        }
        const backward: string[][] = [r.body.collections.map((c: Json) => c.id)];
        for (;;) {
          const prev = r.body.links.find((l: Json) => l.rel === "prev");
          if (!prev) break;
          r = await get(prev.href.replace("http://api.test", ""));
          backward.unshift(r.body.collections.map((c: Json) => c.id));
        }
        expect(backward, sortby).toEqual(forward);
      }
      const dropped = await get("/collections?fields=-extent,-summaries&limit=3");
      for (const c of dropped.body.collections) {
        expect(c.extent).toBeUndefined();
        expect(c.summaries).toBeUndefined();
        expect(c.description).toBeDefined();
        expect(c.links.some((l: Json) => l.rel === "self")).toBe(true);
      }
      const conf = (await get("/conformance")).body.conformsTo as string[];
      expect(conf).toContain("https://api.stacspec.org/v1.0.0-rc.1/collection-search#sort");
      expect(conf).toContain("https://api.stacspec.org/v1.0.0-rc.1/collection-search#fields");
      const names = (await get("/api")).body.paths["/collections"].get.parameters.map((p: Json) => p.name);
      expect(names).toEqual(expect.arrayContaining(["sortby", "fields"]));
    });

    it("prev links go back a page; without parameters every collection is listed", async () => {
      const first = await get("/collections?limit=5&q=collection");
      const second = await get(
        first.body.links.find((l: Json) => l.rel === "next").href.replace("http://api.test", ""),
      );
      expect(first.body.links.some((l: Json) => l.rel === "prev")).toBe(false);
      const back = await get(
        second.body.links.find((l: Json) => l.rel === "prev").href.replace("http://api.test", ""),
      );
      expect(back.body.collections.map((c: Json) => c.id)).toEqual(
        first.body.collections.map((c: Json) => c.id),
      );
      const everything = await get("/collections");
      expect(everything.body.collections).toHaveLength((await all()).length);
      expect(everything.body.links.some((l: Json) => l.rel === "next")).toBe(false);
    });

    it("filter (CQL2) on collections as brute force; unknown properties and bad parameters are 400", async () => {
      const universe = await all();
      const cases: [string, (c: StacCollection) => boolean][] = [
        ["license = 'MIT'", (c) => c.license === "MIT"],
        ["CASEI(title) LIKE '%ocean%'", (c) => lower(String(c.title ?? "")).includes("ocean")],
        ["A_CONTAINS(keywords, ('rain'))", (c) => ((c.keywords as string[]) ?? []).includes("rain")],
        [
          "T_INTERSECTS(datetime, INTERVAL('2015-01-01T00:00:00Z', '2016-01-01T00:00:00Z'))",
          (c) =>
            span(c)[0]! <= Date.parse("2016-01-01T00:00:00Z") &&
            span(c)[1]! >= Date.parse("2015-01-01T00:00:00Z"),
        ],
        ["S_INTERSECTS(geometry, BBOX(-20,-10,40,30))", (c) => meets(c, [-20, -10, 40, 30])],
        [
          "id IN ('cs-01', 'cs-02') OR NOT title IS NULL AND license <> 'MIT'",
          (c) => ["cs-01", "cs-02"].includes(c.id) || (c.title !== undefined && c.license !== "MIT"),
        ],
      ];
      for (const [f, pred] of cases) {
        const want = universe
          .filter(pred)
          .map((c) => c.id)
          .sort();
        expect(want.length, f).toBeGreaterThan(0);
        expect((await pages(`filter=${encodeURIComponent(f)}&limit=6`)).ids, f).toEqual(want);
      }
      for (const bad of [
        `filter=${encodeURIComponent("cloud_cover > 3")}`,
        `filter=${encodeURIComponent("title > 3")}`,
        "q=",
        `q=${encodeURIComponent('"open')}`,
        "bbox=1,2,3",
        "datetime=yesterday",
        "limit=0",
        "token=cs-01",
        "sortby=cloud_cover",
        "sortby=-keywords",
        "fields=extent..spatial",
        "sortby=-title&token=%2BWyIrdGl0bGUiLFsiIiwiZ2VuIl1d",
      ]) {
        const r = await get(`/collections?${bad}`);
        expect(r.status, bad).toBe(400);
        expect(r.body.code, bad).toBeDefined();
      }
      const qs = await get("/collection-queryables");
      expect(Object.keys(qs.body.properties)).toContain("keywords");
      const links = (await get("/collections")).body.links.map((l: Json) => l.rel);
      expect(links).toContain("http://www.opengis.net/def/rel/ogc/1.0/queryables");
    });

    it("free text q on item search (GET, POST list, with other parameters) over id, title, description, keywords", async () => {
      const itemText = (i: StacItem) => {
        const p = i.properties as Json;
        return lower([i.id, p.title ?? "", p.description ?? "", ...(p.keywords ?? [])].join("\n"));
      };
      const cases: [string, string[] | undefined, (t: string) => boolean][] = [
        ["glacier", ["glacier"], (t) => t.includes("glacier")],
        ["EO,rain", ["EO", "rain"], (t) => t.includes("eo") || t.includes("rain")],
        ["scene AND ocean", undefined, (t) => t.includes("scene") && t.includes("ocean")],
        ['"soil, moisture"', ["soil, moisture"], (t) => t.includes("soil, moisture")],
        ["item-000007", undefined, (t) => t.includes("item-000007")],
        [
          "précipitation OR Sentinel-2",
          ["PRÉCIPITATION", "sentinel-2"],
          (t) => t.includes("précipitation") || t.includes("sentinel-2"),
        ],
      ];
      for (const [q, list, pred] of cases) {
        const want = sorted(items.filter((i) => pred(itemText(i))).map((i) => i.id));
        expect(want.length, q).toBeGreaterThan(0);
        expect(want.length, q).toBeLessThan(items.length);
        const got = await collect(await get(`/search?collections=texts&limit=7&q=${encodeURIComponent(q)}`));
        expect(sorted(got), q).toEqual(want);
        if (list) {
          const viaPost = await collect(await post("/search", { collections: ["texts"], limit: 5, q: list }));
          expect(sorted(viaPost), q).toEqual(want);
        }
      }
      const both = await collect(
        await get(
          `/search?collections=texts&limit=100&q=scene&filter=${encodeURIComponent("platform = 'sat-a'")}`,
        ),
      );
      expect(sorted(both)).toEqual(
        sorted(items.filter((i) => (i.properties as Json).platform === "sat-a").map((i) => i.id)),
      );
      const viaItems = await collect(await get("/collections/texts/items?limit=100&q=glacier"));
      expect(sorted(viaItems)).toEqual(
        sorted(items.filter((i) => itemText(i).includes("glacier")).map((i) => i.id)),
      );
      expect((await get("/search?q=")).status).toBe(400);
      expect((await post("/search", { q: [1] })).status).toBe(400);
      const conf = (await get("/conformance")).body.conformsTo as string[];
      for (const c of [
        "item-search#free-text",
        "collection-search",
        "collection-search#free-text",
        "collection-search#filter",
      ])
        expect(conf).toContain(`https://api.stacspec.org/v1.0.0-rc.1/${c}`);
      expect(conf).toContain("http://www.opengis.net/spec/ogcapi-common-2/1.0/conf/simple-query");
    });
  });
}
