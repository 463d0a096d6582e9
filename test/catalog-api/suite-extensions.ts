import { describe, expect, it } from "vitest";
import { type Json, type SuiteContext, sorted } from "./suite-context.js";

/** Extensions clients reach for, on every backend: the query extension. */
export function extensionTests(ctx: SuiteContext): void {
  const { get, post, collect, searchIds } = ctx;
  const P = (i: (typeof ctx.items)[number]) => i.properties as Json;

  describe("extensions", () => {
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
