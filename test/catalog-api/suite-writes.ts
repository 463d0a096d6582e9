import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { createApp } from "../../catalog-api/api/app.js";
import { CatalogInputError } from "../../catalog-api/errors.js";
import type { StacItem } from "../../catalog-api/stac/types.js";
import { generatedCollection } from "./generate-items.js";
import { AUTH, type Json, type SuiteContext, TOKEN } from "./suite-context.js";

const schemasDir = process.env.REFS_STAC_SCHEMAS ?? resolve("../shared/stac-schemas");
const haveSchemas = existsSync(join(schemasDir, "v1.0.0"));

/** Writes (transactions and the store's own ingest path) refuse what is not STAC; reads survive rows that are not. */
export function writeValidationTests(ctx: SuiteContext): void {
  const { get, post } = ctx;
  const valid = (id: string, collection: string): StacItem => ({
    ...structuredClone(ctx.items[0]!),
    id,
    collection,
    links: [],
    assets: { data: { href: "https://example.org/a.parquet", roles: ["data"] } },
  });
  const withProps = (props: Json) => (i: Json) => ({ ...i, properties: { ...i.properties, ...props } });
  const BAD_ITEMS: [string, (i: Json) => Json, string][] = [
    ["links not a list", (i) => ({ ...i, links: "x" }), "links"],
    ["a link that is a number", (i) => ({ ...i, links: [5] }), "links[0]"],
    ["a link without href", (i) => ({ ...i, links: [{ rel: "license" }] }), "links[0].href"],
    ["a link without rel", (i) => ({ ...i, links: [{ href: "https://x.org" }] }), "links[0].rel"],
    ["assets a number", (i) => ({ ...i, assets: 5 }), "assets"],
    ["an asset without href", (i) => ({ ...i, assets: { data: { roles: ["data"] } } }), "assets.data.href"],
    ["bbox a string", (i) => ({ ...i, bbox: "x" }), "bbox"],
    ["bbox of 3 numbers", (i) => ({ ...i, bbox: [1, 2, 3] }), "bbox"],
    ["bbox latitude 100", (i) => ({ ...i, bbox: [0, 100, 1, 101] }), "bbox"],
    ["stac_version a number", (i) => ({ ...i, stac_version: 3 }), "stac_version"],
    [
      "a point at latitude 1000",
      (i) => ({ ...i, geometry: { type: "Point", coordinates: [0, 1000] } }),
      "geometry",
    ],
    [
      "an open ring",
      (i) => ({
        ...i,
        geometry: {
          type: "Polygon",
          coordinates: [
            [
              [0, 0],
              [1, 1],
            ],
          ],
        },
      }),
      "geometry",
    ],
    ["no geometry member", (i) => ({ ...i, geometry: undefined }), "geometry"],
    [
      "datetime not a date (with start/end)",
      withProps({
        datetime: "not a date",
        start_datetime: "2020-01-01T00:00:00Z",
        end_datetime: "2020-01-02T00:00:00Z",
      }),
      "properties.datetime",
    ],
    ["datetime a number", withProps({ datetime: 5 }), "properties.datetime"],
    [
      "datetime null without start/end",
      withProps({ datetime: null, start_datetime: undefined, end_datetime: undefined }),
      "datetime",
    ],
    [
      "end before start",
      withProps({
        datetime: null,
        start_datetime: "2020-01-02T00:00:00Z",
        end_datetime: "2020-01-01T00:00:00Z",
      }),
      "end_datetime",
    ],
    ["id with path separators", (i) => ({ ...i, id: "../../x" }), "id"],
    ["id with a NUL", (i) => ({ ...i, id: "a\u0000b" }), "id"],
    ["id of 100,000 characters", (i) => ({ ...i, id: "x".repeat(100_000) }), "id"],
    ["a NUL inside a property", withProps({ note: "a\u0000b" }), "properties.note"],
    ["properties not an object", (i) => ({ ...i, properties: [1] }), "properties"],
  ];

  describe("writes are validated", () => {
    it("invalid items are 400 naming the member (POST, PUT, PATCH, FeatureCollection); nothing is stored", async () => {
      const col = { ...generatedCollection("wv"), description: "write validation" };
      expect((await post("/collections", col, AUTH)).status).toBe(201);
      try {
        for (const [what, mutate, member] of BAD_ITEMS) {
          const bad = JSON.parse(JSON.stringify(mutate(valid("bad-1", "wv"))));
          const r = await post("/collections/wv/items", bad, AUTH);
          expect(r.status, what).toBe(400);
          expect(r.body.code, what).toBe("BadRequest");
          expect(r.body.description, what).toContain(member);
          expect(r.body.description, what).not.toMatch(/at .*\.(ts|js):\d+/);
        }
        expect(await ctx.store().countItems("wv")).toBe(0);
        // a batch with one bad feature stores none of them
        const batch = {
          type: "FeatureCollection",
          features: [valid("ok-1", "wv"), { ...valid("ok-2", "wv"), links: "x" }],
        };
        const b = await post("/collections/wv/items", batch, AUTH);
        expect(b.status).toBe(400);
        expect(b.body.description).toContain("features[1]");
        expect(await ctx.store().countItems("wv")).toBe(0);

        const good = valid("good-1", "wv");
        expect((await post("/collections/wv/items", good, AUTH)).status).toBe(201);
        const before = (await get("/collections/wv/items/good-1")).body;
        for (const [patch, member] of [
          [{ properties: { datetime: 5 } }, "properties.datetime"],
          [{ properties: { datetime: "not a date" } }, "properties.datetime"],
          [{ links: "x" }, "links"],
          [{ assets: 5 }, "assets"],
          [{ geometry: { type: "Point", coordinates: [0, 1000] } }, "geometry"],
          [{ bbox: "x" }, "bbox"],
          [{ stac_version: 3 }, "stac_version"],
        ] as [Json, string][]) {
          const r = await post("/collections/wv/items/good-1", patch, AUTH, "PATCH");
          expect(r.status, JSON.stringify(patch)).toBe(400);
          expect(r.body.description).toContain(member);
        }
        for (const [what, mutate, member] of BAD_ITEMS.filter(([w]) => !w.startsWith("id"))) {
          const bad = JSON.parse(JSON.stringify(mutate(valid("good-1", "wv"))));
          const r = await post("/collections/wv/items/good-1", bad, AUTH, "PUT");
          expect(r.status, `PUT ${what}`).toBe(400);
          expect(r.body.description, `PUT ${what}`).toContain(member);
        }
        expect((await get("/collections/wv/items/good-1")).body).toEqual(before);
      } finally {
        await ctx.store().deleteCollection("wv");
      }
    });

    it("invalid collections are 400 naming the member (POST, PUT, PATCH)", async () => {
      const col = { ...generatedCollection("wc"), description: "collection validation" };
      const cases: [Json, string][] = [
        [{ ...col, links: "x" }, "links"],
        [{ ...col, links: [{ href: "https://x.org" }] }, "links[0].rel"],
        [{ ...col, stac_version: 1 }, "stac_version"],
        [
          { ...col, extent: { spatial: { bbox: [[0, 0, 1]] }, temporal: col.extent.temporal } },
          "extent.spatial.bbox[0]",
        ],
        [
          { ...col, extent: { spatial: col.extent.spatial, temporal: { interval: [["x", null]] } } },
          "extent.temporal.interval[0][0]",
        ],
        [{ ...col, assets: { a: 1 } }, "assets.a"],
        [{ ...col, id: "../x" }, "id"],
      ];
      for (const [body, member] of cases) {
        const r = await post("/collections", body, AUTH);
        expect(r.status, member).toBe(400);
        expect(r.body.description, member).toContain(member);
      }
      expect((await get("/collections/wc")).status).toBe(404);
      expect((await post("/collections", col, AUTH)).status).toBe(201);
      try {
        for (const [patch, member] of [
          [{ links: 5 }, "links"],
          [
            { extent: { temporal: { interval: [["2020-02-01T00:00:00Z", "2020-01-01T00:00:00Z"]] } } },
            "extent.temporal.interval[0]",
          ],
          [{ license: 5 }, "license"],
        ] as [Json, string][]) {
          const r = await post("/collections/wc", patch, AUTH, "PATCH");
          expect(r.status, member).toBe(400);
          expect(r.body.description, member).toContain(member);
        }
        expect((await post("/collections/wc", { ...col, links: "x" }, AUTH, "PUT")).status).toBe(400);
        expect((await get("/collections/wc")).body.description).toBe("collection validation");
      } finally {
        await ctx.store().deleteCollection("wc");
      }
    });

    it("the store's own write path (ingest) runs the same checks", async () => {
      const store = ctx.store();
      await expect(
        store.putItems("gen", [{ ...valid("ingest-bad", "gen"), links: "x" } as never]),
      ).rejects.toThrow(CatalogInputError);
      await expect(
        store.replaceItems("gen", [{ ...valid("ingest-bad", "gen"), bbox: [0, 0, 1] }]),
      ).rejects.toThrow(/bbox/);
      await expect(
        store.putCollection({ ...generatedCollection("ingest-bad"), links: 5 } as never),
      ).rejects.toThrow(/links/);
      expect(await store.countItems("gen")).toBe(ctx.items.length);
    });

    it("transactions on items answer application/geo+json", async () => {
      const col = { ...generatedCollection("gj"), description: "geojson" };
      expect((await post("/collections", col, AUTH)).status).toBe(201);
      try {
        const created = await post("/collections/gj/items", valid("g-1", "gj"), AUTH);
        expect(created.status).toBe(201);
        expect(created.type).toMatch(/^application\/geo\+json/);
        expect(created.body.links.find((l: Json) => l.rel === "self").href).toBe(
          "http://api.test/collections/gj/items/g-1",
        );
        const put = await post("/collections/gj/items/g-1", valid("g-1", "gj"), AUTH, "PUT");
        expect([put.status, put.type]).toEqual([200, "application/geo+json"]);
        const patched = await post(
          "/collections/gj/items/g-1",
          { properties: { quality: 0.5 } },
          AUTH,
          "PATCH",
        );
        expect([patched.status, patched.type]).toEqual([200, "application/geo+json"]);
        expect(patched.body.properties.quality).toBe(0.5);
        const many = await post(
          "/collections/gj/items",
          { type: "FeatureCollection", features: [valid("g-2", "gj"), valid("g-3", "gj")] },
          AUTH,
        );
        expect([many.status, many.type]).toEqual([201, "application/geo+json"]);
      } finally {
        await ctx.store().deleteCollection("gj");
      }
    });

    it("a stored row that is not valid STAC is reported and left out or repaired, never a 500", async () => {
      const store = ctx.store();
      await store.putCollection({ ...generatedCollection("rows"), description: "bad rows" });
      try {
        await store.putItems(
          "rows",
          ["r-1", "r-2", "r-3", "r-4"].map((id) => valid(id, "rows")),
        );
        const corrupt = (id: string, content: unknown) =>
          ctx.rawSql("UPDATE items SET content = ? WHERE collection = ? AND id = ?", [
            JSON.stringify(content),
            "rows",
            id,
          ]);
        await corrupt("r-1", { ...valid("r-1", "rows"), links: "x" });
        await corrupt("r-2", {
          ...valid("r-2", "rows"),
          links: [5, { rel: 1 }, { rel: "license", href: "https://l.org" }],
        });
        await corrupt("r-3", [1, 2]);
        const errors: string[] = [];
        const original = console.error;
        console.error = (...a: unknown[]) => void errors.push(a.join(" "));
        try {
          const found = await get("/search?collections=rows");
          expect(found.status).toBe(200);
          expect(found.body.features.map((f: Json) => f.id).sort()).toEqual(["r-1", "r-2", "r-4"]);
          const r2 = found.body.features.find((f: Json) => f.id === "r-2");
          expect(r2.links.map((l: Json) => l.rel)).toContain("license");
          expect((await get("/collections/rows/items")).status).toBe(200);
          expect((await get("/collections/rows/items/r-1")).status).toBe(200);
          expect((await get("/collections/rows/items/r-2")).status).toBe(200);
        } finally {
          console.error = original;
        }
        expect(errors.join("\n")).toMatch(/item "r-1" of collection "rows": links is not a list/);
        expect(errors.join("\n")).toMatch(/item "r-3" of collection "rows"/);
      } finally {
        await store.deleteCollection("rows");
      }
    });

    it.skipIf(!haveSchemas)(
      "with a local schema folder, transactions are also checked against the STAC schemas",
      async () => {
        const strict = createApp({ store: ctx.store(), token: TOKEN, schemasDir });
        const col = { ...generatedCollection("sch"), description: "schemas" };
        expect((await post("/collections", col, AUTH, "POST", strict)).status).toBe(201);
        try {
          // structurally fine, but STAC's common metadata wants gsd > 0
          const item = { ...valid("s-1", "sch"), properties: { ...ctx.items[0]!.properties, gsd: -5 } };
          const r = await post("/collections/sch/items", item, AUTH, "POST", strict);
          expect(r.status).toBe(400);
          expect(r.body.description).toMatch(/gsd/);
          expect(
            (await post("/collections/sch/items", valid("s-2", "sch"), AUTH, "POST", strict)).status,
          ).toBe(201);
        } finally {
          await ctx.store().deleteCollection("sch");
        }
      },
    );
  });
}
