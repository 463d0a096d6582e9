import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../catalog-api/api/app.js";
import { SqliteStore } from "../../catalog-api/backend/sqlite-store.js";
import { generatedCollection, generateItems } from "./generate-items.js";

/** What a browser (STAC Browser on another origin) needs: preflights answered, CORS headers on every answer. */
describe("CORS", () => {
  const origin = "https://radiantearth.github.io";
  let store: SqliteStore;

  beforeAll(async () => {
    store = new SqliteStore(":memory:");
    await store.putCollection(generatedCollection());
    await store.putItems("gen", generateItems(20));
  });
  afterAll(() => store.close());

  const preflight = (app: ReturnType<typeof createApp>, path: string, method: string, headers: string) =>
    app.request(path, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": method, "access-control-request-headers": headers },
    });

  it("a preflight for POST /search is answered 204 with the allowed methods and headers", async () => {
    const r = await preflight(createApp({ store }), "/search", "POST", "content-type");
    expect(r.status).toBe(204);
    expect(r.headers.get("access-control-allow-origin")).toBe("*");
    const methods = r.headers.get("access-control-allow-methods")!.split(",");
    expect(methods).toEqual(expect.arrayContaining(["GET", "POST", "OPTIONS"]));
    expect(methods).not.toContain("DELETE"); // read-only: no transactions
    const headers = r.headers.get("access-control-allow-headers")!.toLowerCase().split(",");
    expect(headers).toContain("content-type");
    expect(headers).not.toContain("authorization");
  });

  it("with a token, preflights allow the writing methods and the Authorization header", async () => {
    const r = await preflight(
      createApp({ store, token: "t" }),
      "/collections/gen/items/x",
      "DELETE",
      "authorization",
    );
    expect(r.status).toBe(204);
    expect(r.headers.get("access-control-allow-methods")!.split(",")).toEqual(
      expect.arrayContaining(["PUT", "PATCH", "DELETE"]),
    );
    expect(r.headers.get("access-control-allow-headers")!.toLowerCase().split(",")).toContain(
      "authorization",
    );
  });

  it("GET and POST answers with an Origin carry Access-Control-Allow-Origin, errors too", async () => {
    const app = createApp({ store });
    const landing = await app.request("/", { headers: { origin } });
    expect(landing.status).toBe(200);
    expect(landing.headers.get("access-control-allow-origin")).toBe("*");
    const search = await app.request("/search?limit=3", { headers: { origin } });
    expect(search.status).toBe(200);
    expect(search.headers.get("access-control-allow-origin")).toBe("*");
    expect(((await search.json()) as { features: unknown[] }).features).toHaveLength(3);
    const posted = await app.request("/search", {
      method: "POST",
      headers: { origin, "content-type": "application/json" },
      body: JSON.stringify({ limit: 2 }),
    });
    expect(posted.status).toBe(200);
    expect(posted.headers.get("access-control-allow-origin")).toBe("*");
    const bad = await app.request("/search?datetime=yesterday", { headers: { origin } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("access-control-allow-origin")).toBe("*");
    const missing = await app.request("/collections/none", { headers: { origin } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("access-control-allow-origin")).toBe("*");
  });
});
