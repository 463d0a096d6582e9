import { cellToParent, getResolution } from "h3-js";
import { describe, expect, it } from "vitest";
import type { StacItem } from "../../catalog-api/stac/types.js";
import { generatedCollection, generateItems } from "./generate-items.js";
import { AUTH, type Json, type SuiteContext } from "./suite-context.js";

const RANGES = ":0.1,0.1:0.5,0.25:0.75,0.5:,:";
const RANGE_LIST: [number | undefined, number | undefined][] = [
  [undefined, 0.1],
  [0.1, 0.5],
  [0.25, 0.75],
  [0.5, undefined],
  [undefined, undefined],
];
const ALL = `aggregations=total_count,datetime_frequency,grid_geohex_frequency,property_range_frequency,statistics&range_property=quality&ranges=${RANGES}&statistics_properties=quality,h3:resolution`;

/** The aggregations of ALL computed over the items in JavaScript. */
function bruteForce(items: StacItem[], interval: string, precision: number): Json {
  const P = (i: StacItem) => i.properties as Json;
  const count = <K>(keys: K[]) => {
    const m = new Map<K, number>();
    for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
    return m;
  };
  const start = (i: StacItem) => Date.parse(P(i).start_datetime ?? P(i).datetime);
  const bucket = (t: number) => {
    const d = new Date(t);
    if (interval === "month") return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth())).toISOString();
    if (interval === "year") return new Date(Date.UTC(d.getUTCFullYear(), 0)).toISOString();
    return new Date(t - (((t % 86_400_000) + 86_400_000) % 86_400_000)).toISOString();
  };
  const cells = items.flatMap(
    (i) =>
      new Set(
        (P(i)["h3:cells"] as string[])
          .filter((c) => getResolution(c) >= precision)
          .map((c) => cellToParent(c, precision)),
      ),
  );
  const stats = (name: string) => {
    const vs = items.map((i) => P(i)[name]).filter((v): v is number => typeof v === "number");
    const sum = vs.reduce((a, b) => a + b, 0);
    return {
      count: vs.length,
      min: vs.length ? Math.min(...vs) : null,
      max: vs.length ? Math.max(...vs) : null,
      sum: vs.length ? sum : null,
    };
  };
  const q = items.map((i) => P(i).quality).filter((v): v is number => typeof v === "number");
  return {
    total: items.length,
    days: Object.fromEntries([...count(items.map((i) => bucket(start(i))))].sort()),
    cells: Object.fromEntries(
      [...count(cells.flatMap((s) => [...s]))].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ),
    ranges: RANGE_LIST.map(
      ([a, b]) => q.filter((v) => (a === undefined || v >= a) && (b === undefined || v < b)).length,
    ),
    quality: stats("quality"),
    resolution: stats("h3:resolution"),
  };
}

/** An /aggregate answer in the shape bruteForce gives (sums rounded: summation order may differ). */
function shape(body: Json): Json {
  const by = (name: string) => body.aggregations.find((a: Json) => a.name === name);
  const freq = (name: string) =>
    Object.fromEntries(
      by(name)
        .buckets.map((b: Json) => [b.key, b.frequency])
        .sort(),
    );
  const stats = (s: Json) => ({
    ...s,
    sum: s.sum === null ? null : Number(s.sum.toFixed(6)),
    mean: undefined,
  });
  const value = by("statistics").value;
  return {
    total: by("total_count").value,
    days: freq("datetime_frequency"),
    cells: freq("grid_geohex_frequency"),
    ranges: by("property_range_frequency").buckets.map((b: Json) => b.frequency),
    quality: stats(value.quality),
    resolution: stats(value["h3:resolution"]),
  };
}

function rounded(want: Json): Json {
  const r = (s: Json) => ({ ...s, sum: s.sum === null ? null : Number(s.sum.toFixed(6)), mean: undefined });
  return { ...want, quality: r(want.quality), resolution: r(want.resolution) };
}

/**
 * Whole-collection aggregations are answered from per-collection summaries kept at write time: they must equal
 * brute force and the SQL over the items (the same request with an open datetime, which takes that path) after
 * every kind of write.
 */
export function aggregateSummaryTests(ctx: SuiteContext): void {
  const { get, post } = ctx;

  describe("aggregation summaries", () => {
    it("whole-collection aggregations equal brute force and the SQL over items after ingest, transactions, re-ingest and deletes", async () => {
      const store = ctx.store();
      const C = "aggsum";
      let current = new Map<string, StacItem>();
      const check = async (what: string) => {
        for (const [interval, precision] of [
          ["day", 2],
          ["month", 4],
          ["year", 6],
        ] as const) {
          const q = `${ALL}&datetime_frequency_interval=${interval}&grid_geohex_frequency_precision=${precision}`;
          const want = rounded(bruteForce([...current.values()], interval, precision));
          const summary = await get(`/aggregate?collections=${C}&${q}`);
          expect(summary.status, `${what} ${summary.body.description}`).toBe(200);
          expect(shape(summary.body), `${what}: summaries, ${interval}`).toEqual(want);
          const overItems = await get(`/aggregate?collections=${C}&datetime=1900-01-01T00:00:00Z/..&${q}`);
          expect(shape(overItems.body), `${what}: SQL over items, ${interval}`).toEqual(want);
          // every collection (the suite's own too): summaries and the SQL over items agree
          const everywhere = await get(`/aggregate?${q}`);
          const everywhereItems = await get(`/aggregate?datetime=1900-01-01T00:00:00Z/..&${q}`);
          expect(shape(everywhere.body), `${what}: all collections, ${interval}`).toEqual(
            shape(everywhereItems.body),
          );
        }
      };
      await store.putCollection(generatedCollection(C));
      try {
        const first = generateItems(400, C, 7);
        await store.putItems(C, first);
        current = new Map(first.map((i) => [i.id, i]));
        await check("after ingest");

        // transactions: create, replace (new time, cells and quality), patch, delete
        const fresh = { ...generateItems(1, C, 99)[0]!, id: "new-one" };
        expect((await post(`/collections/${C}/items`, fresh, AUTH)).status).toBe(201);
        current.set(fresh.id, fresh);
        const old = first[3]!;
        const moved = { ...first[250]!, id: old.id };
        expect((await post(`/collections/${C}/items/${old.id}`, moved, AUTH, "PUT")).status).toBe(200);
        current.set(old.id, moved);
        const patched = first[10]!;
        const patch = { properties: { quality: 0.123456, "h3:resolution": 9 } };
        expect((await post(`/collections/${C}/items/${patched.id}`, patch, AUTH, "PATCH")).status).toBe(200);
        current.set(patched.id, {
          ...patched,
          properties: { ...patched.properties, ...patch.properties },
        } as StacItem);
        for (const gone of [first[5]!, first[6]!]) {
          expect((await post(`/collections/${C}/items/${gone.id}`, {}, AUTH, "DELETE")).status).toBe(204);
          current.delete(gone.id);
        }
        await check("after transactions");

        // putItems replacing existing ids, one given twice in a batch (the last wins)
        const again = generateItems(60, C, 8).map((i, k) => ({ ...i, id: first[k * 5]!.id }));
        const twice = { ...again[1]!, properties: { ...again[1]!.properties, quality: 0.999 } } as StacItem;
        await store.putItems(C, [...again, twice]);
        for (const i of [...again, twice]) current.set(i.id, i);
        await check("after putItems over existing ids");

        // re-ingest: the collection now holds exactly these
        const second = generateItems(150, C, 9);
        await store.replaceItems(C, second);
        current = new Map(second.map((i) => [i.id, i]));
        await check("after replaceItems");
        if (store.beginReplaceItems) {
          const r = await store.beginReplaceItems(C);
          const third = generateItems(120, C, 10);
          await r.put(third.slice(0, 60));
          await r.put(third.slice(60));
          await r.commit();
          current = new Map(third.map((i) => [i.id, i]));
          await check("after a batched re-ingest");
        }
      } finally {
        await store.deleteCollection(C);
      }
      // its summaries went with it: every collection's summaries still equal the SQL over the items left
      const everywhere = await get(`/aggregate?${ALL}`);
      const everywhereItems = await get(`/aggregate?datetime=1900-01-01T00:00:00Z/..&${ALL}`);
      expect(shape(everywhere.body)).toEqual(shape(everywhereItems.body));
    });
  });
}
