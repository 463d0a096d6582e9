import { cellToParent, getResolution } from "h3-js";
import { describe, expect, it } from "vitest";
import { type Json, type SuiteContext, sorted } from "./suite-context.js";

/** Extensions clients reach for, on every backend: the query extension. */
export function extensionTests(ctx: SuiteContext): void {
  const { get, post, collect, searchIds } = ctx;
  const P = (i: (typeof ctx.items)[number]) => i.properties as Json;

  describe("extensions", () => {
    it("aggregation: total_count, datetime_frequency by day and hour, grid_geohex_frequency by H3 cell, as brute force", async () => {
      const inWindow = (i: (typeof ctx.items)[number]) => P(i).platform === "sat-a";
      const chosen = ctx.items.filter(inWindow);
      const r = await get(
        `/aggregate?aggregations=total_count,datetime_frequency,grid_geohex_frequency&datetime_frequency_interval=day&grid_geohex_frequency_precision=2&filter=${encodeURIComponent("platform = 'sat-a'")}`,
      );
      expect(r.status).toBe(200);
      const by = (name: string) => r.body.aggregations.find((a: Json) => a.name === name);
      expect(by("total_count").value).toBe(chosen.length);
      const days = new Map<string, number>();
      for (const i of chosen) {
        const start = Date.parse(P(i).start_datetime ?? P(i).datetime);
        const key = new Date(start - (start % 86_400_000)).toISOString();
        days.set(key, (days.get(key) ?? 0) + 1);
      }
      const gotDays = Object.fromEntries(
        by("datetime_frequency").buckets.map((b: Json) => [b.key, b.frequency]),
      );
      expect(gotDays).toEqual(Object.fromEntries(days));
      const cells = new Map<string, number>();
      for (const i of chosen) {
        const mine = new Set(
          (P(i)["h3:cells"] as string[]).filter((c) => getResolution(c) >= 2).map((c) => cellToParent(c, 2)),
        );
        for (const c of mine) cells.set(c, (cells.get(c) ?? 0) + 1);
      }
      const gotCells = Object.fromEntries(
        by("grid_geohex_frequency").buckets.map((b: Json) => [b.key, b.frequency]),
      );
      expect(gotCells).toEqual(Object.fromEntries(cells));
      const hours = await post("/aggregate", {
        aggregations: ["datetime_frequency"],
        datetime_frequency_interval: "hour",
        collections: ["gen"],
      });
      const total = hours.body.aggregations[0].buckets.reduce((s: number, b: Json) => s + b.frequency, 0);
      expect(total).toBe(ctx.items.length);
      expect((await get("/aggregate?aggregations=nope")).status).toBe(400);
      expect(
        (await get("/aggregate?aggregations=grid_geohex_frequency&grid_geohex_frequency_precision=16"))
          .status,
      ).toBe(400);
      expect((await get("/aggregations")).body.aggregations.map((a: Json) => a.name)).toContain(
        "grid_geohex_frequency",
      );
    });

    it("aggregation: property_range_frequency, statistics and month/year datetime_frequency, as brute force", async () => {
      const chosen = ctx.items.filter((i) => P(i).platform !== "sat-b");
      const filter = encodeURIComponent("platform <> 'sat-b'");
      const ranges: [number | undefined, number | undefined][] = [
        [undefined, 0.1],
        [0.1, 0.5],
        [0.25, 0.75],
        [0.5, undefined],
        [undefined, undefined],
      ];
      const inRange = (q: number | undefined, [a, b]: (number | undefined)[]) =>
        q !== undefined && (a === undefined || q >= a) && (b === undefined || q < b);
      const wantRanges = ranges.map((r) => chosen.filter((i) => inRange(P(i).quality, r)).length);
      const text = ranges.map(([a, b]) => `${a ?? ""}:${b ?? ""}`).join(",");
      const viaGet = await get(
        `/aggregate?aggregations=property_range_frequency,statistics&range_property=quality&ranges=${text}&statistics_properties=quality,h3:resolution&filter=${filter}`,
      );
      expect(viaGet.status).toBe(200);
      const by = (r: Json, name: string) => r.body.aggregations.find((a: Json) => a.name === name);
      expect(by(viaGet, "property_range_frequency").buckets.map((b: Json) => b.frequency)).toEqual(
        wantRanges,
      );
      expect(by(viaGet, "property_range_frequency").buckets[1]).toMatchObject({
        key: "0.1-0.5",
        from: 0.1,
        to: 0.5,
      });
      const viaPost = await post("/aggregate", {
        aggregations: ["property_range_frequency"],
        range_property: "properties.quality",
        ranges: ranges.map(([a, b]) => [a ?? null, b ?? null]),
        filter: "platform <> 'sat-b'",
      });
      expect(by(viaPost, "property_range_frequency").buckets.map((b: Json) => b.frequency)).toEqual(
        wantRanges,
      );
      const stats = by(viaGet, "statistics").value;
      for (const [name, read] of [
        ["quality", (i: (typeof ctx.items)[number]) => P(i).quality as number | undefined],
        ["h3:resolution", (i: (typeof ctx.items)[number]) => P(i)["h3:resolution"] as number | undefined],
      ] as const) {
        const vs = chosen.map(read).filter((v): v is number => v !== undefined);
        const sum = vs.reduce((a, b) => a + b, 0);
        expect(stats[name].count, name).toBe(vs.length);
        expect(stats[name].min, name).toBe(Math.min(...vs));
        expect(stats[name].max, name).toBe(Math.max(...vs));
        expect(stats[name].sum, name).toBeCloseTo(sum, 6);
        expect(stats[name].mean, name).toBeCloseTo(sum / vs.length, 9);
      }
      for (const [interval, key] of [
        [
          "month",
          (t: number) =>
            new Date(Date.UTC(new Date(t).getUTCFullYear(), new Date(t).getUTCMonth())).toISOString(),
        ],
        ["year", (t: number) => new Date(Date.UTC(new Date(t).getUTCFullYear(), 0)).toISOString()],
      ] as const) {
        const want = new Map<string, number>();
        for (const i of chosen) {
          const k = key(Date.parse(P(i).start_datetime ?? P(i).datetime));
          want.set(k, (want.get(k) ?? 0) + 1);
        }
        const r = await get(
          `/aggregate?aggregations=datetime_frequency&datetime_frequency_interval=${interval}&filter=${filter}`,
        );
        const got = Object.fromEntries(
          by(r, "datetime_frequency").buckets.map((b: Json) => [b.key, b.frequency]),
        );
        expect(got, interval).toEqual(Object.fromEntries(want));
        if (interval === "month") expect(Object.keys(got).length).toBeGreaterThanOrEqual(12);
      }
      for (const bad of [
        "aggregations=property_range_frequency&range_property=platform&ranges=0:1",
        "aggregations=property_range_frequency&range_property=quality&ranges=1:0",
        "aggregations=property_range_frequency&range_property=quality&ranges=a:b",
        "aggregations=property_range_frequency&range_property=quality",
        "aggregations=statistics&statistics_properties=secret",
        "aggregations=statistics",
        "aggregations=datetime_frequency&datetime_frequency_interval=week",
      ]) {
        const r = await get(`/aggregate?${bad}`);
        expect(r.status, bad).toBe(400);
      }
      const names = (await get("/aggregations")).body.aggregations.map((a: Json) => a.name);
      expect(names).toEqual(expect.arrayContaining(["property_range_frequency", "statistics"]));
    });

    it("query extension (as pystac-client sends it, GET and POST) answers like brute force, with a filter too", async () => {
      const cases: [Json, (p: Json) => boolean][] = [
        [{ quality: { gt: 0.5 } }, (p) => p.quality > 0.5],
        [{ "properties.quality": { gte: 0.2, lt: 0.4 } }, (p) => p.quality >= 0.2 && p.quality < 0.4],
        [{ platform: { eq: "sat-a" }, flag: { eq: true } }, (p) => p.platform === "sat-a" && p.flag === true],
        [{ platform: { in: ["sat-b", "O'Brien"] } }, (p) => ["sat-b", "O'Brien"].includes(p.platform)],
        [{ platform: { neq: "sat-a" } }, (p) => p.platform !== "sat-a"],
        [{ platform: { startsWith: "sat" } }, (p) => p.platform.startsWith("sat")],
        [{ platform: { endsWith: "_x" } }, (p) => p.platform.endsWith("_x")],
        [{ platform: { contains: "Bri" } }, (p) => p.platform.includes("Bri")],
        // pystac-client sends query=["quality>0.5"] with the value as text: read as the property's type
        [{ quality: { gt: "0.5" }, flag: { eq: "true" } }, (p) => p.quality > 0.5 && p.flag === true],
        [{ quality: { in: ["0.5", 0.25, "1e-3"] } }, (p) => [0.5, 0.25, 0.001].includes(p.quality)],
      ];
      for (const [query, pred] of cases) {
        const want = sorted(ctx.items.filter((i) => pred(P(i))).map((i) => i.id));
        expect(
          sorted(await searchIds(`query=${encodeURIComponent(JSON.stringify(query))}`)),
          JSON.stringify(query),
        ).toEqual(want);
        expect(
          sorted(await collect(await post("/search", { limit: 1000, query }))),
          JSON.stringify(query),
        ).toEqual(want);
      }
      const both = await collect(
        await post("/search", { limit: 1000, query: { quality: { gt: 0.5 } }, filter: "platform = 'sat-a'" }),
      );
      expect(sorted(both)).toEqual(
        sorted(ctx.items.filter((i) => P(i).quality > 0.5 && P(i).platform === "sat-a").map((i) => i.id)),
      );
      for (const bad of [
        { secret: { eq: 1 } },
        { quality: { near: 1 } },
        { quality: 5 },
        { quality: { eq: "x" } },
      ]) {
        const r = await post("/search", { query: bad });
        expect(r.status, JSON.stringify(bad)).toBe(400);
      }
      expect((await get("/search?query=notjson")).status).toBe(400);
      const conf = (await get("/conformance")).body.conformsTo as string[];
      expect(conf).toContain("https://api.stacspec.org/v1.0.0-beta.2/item-search#query");
    });
  });
}
