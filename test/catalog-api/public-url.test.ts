import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../catalog-api/api/app.js";
import { checkPublicUrl, hostAllowList, isHostHeader } from "../../catalog-api/api/public-url.js";
import { type RunningServer, startServer } from "../../catalog-api/api/server.js";
import { SqliteStore } from "../../catalog-api/backend/sqlite-store.js";
import { generatedCollection, generateItems } from "./generate-items.js";
import type { Json } from "./suite-context.js";

/** GET over a real socket with the headers as given (fetch would not let a test forge Host). */
function rawGet(
  base: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: Json }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path, headers, setHost: !("host" in headers) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (d) => chunks.push(d));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, body: text.startsWith("{") ? JSON.parse(text) : text });
        });
      },
    );
    req.on("error", reject);
    req.end();
  });
}

const hrefs = (body: Json): string[] => body.links.map((l: { href: string }) => l.href);

describe("links are built on a checked base URL: --public-url, --trust-proxy, never an unchecked Host", () => {
  let store: SqliteStore;
  const servers: Record<string, RunningServer> = {};
  beforeAll(async () => {
    store = new SqliteStore(":memory:");
    await store.putCollection(generatedCollection());
    await store.putItems("gen", generateItems(30));
    servers.plain = await startServer(createApp({ store }), { port: 0, host: "127.0.0.1" });
    servers.proxied = await startServer(createApp({ store, trustProxy: true }), {
      port: 0,
      host: "127.0.0.1",
    });
    servers.allowed = await startServer(
      createApp({ store, trustProxy: true, allowedHosts: ["stac.example.org", "*.example.net"] }),
      { port: 0, host: "127.0.0.1" },
    );
    servers.public = await startServer(createApp({ store, publicUrl: "https://stac.example.org/api/" }), {
      port: 0,
      host: "127.0.0.1",
    });
  });
  afterAll(async () => {
    for (const s of Object.values(servers)) await s.close();
    await store.close();
  });

  it("a well-formed Host is used; X-Forwarded-* are ignored without --trust-proxy", async () => {
    const r = await rawGet(servers.plain!.url, "/search?limit=2", {
      host: "stac.local:8080",
      "x-forwarded-proto": "https",
      "x-forwarded-host": "evil.example",
      "x-forwarded-prefix": "/evil",
    });
    expect(r.status).toBe(200);
    for (const h of hrefs(r.body)) expect(h.startsWith("http://stac.local:8080/")).toBe(true);
    for (const f of r.body.features) for (const h of hrefs(f)) expect(h).not.toMatch(/evil/);
  });

  it("a Host that is not host[:port] is never copied: the listening address is used", async () => {
    const port = new URL(servers.plain!.url).port;
    const statuses: string[] = [];
    for (const forged of [
      "evil.example@127.0.0.1",
      "a b",
      "evil.example/x",
      "evil_host.example",
      "a..b",
      "-evil.example",
    ]) {
      const r = await rawGet(servers.plain!.url, "/", { host: forged });
      statuses.push(`${forged}=${r.status}`);
      if (r.status !== 200) {
        // Node or the adapter refused the request itself: nothing was built from it either
        expect(r.status, forged).toBe(400);
        continue;
      }
      for (const h of hrefs(r.body))
        expect(h.startsWith(`http://127.0.0.1:${port}/`), `${forged}: ${h}`).toBe(true);
    }
    // the adapter refuses most forged values itself; these reach the API, which must not copy them
    expect(statuses.filter((s) => s.endsWith("=200")).length).toBeGreaterThanOrEqual(2);
  });

  it("with --trust-proxy, X-Forwarded-Proto, -Host and -Prefix make the links (a bad forwarded value is ignored)", async () => {
    const r = await rawGet(servers.proxied!.url, "/search?limit=2", {
      host: "10.0.0.5:8080",
      "x-forwarded-proto": "https",
      "x-forwarded-host": "stac.example.org",
      "x-forwarded-prefix": "/stac/",
    });
    for (const h of hrefs(r.body)) expect(h.startsWith("https://stac.example.org/stac/"), h).toBe(true);
    const self = r.body.links.find((l: { rel: string }) => l.rel === "self").href;
    expect(self).toBe("https://stac.example.org/stac/search?limit=2");
    const next = r.body.links.find((l: { rel: string }) => l.rel === "next").href;
    expect(next.startsWith("https://stac.example.org/stac/search?limit=2&token=")).toBe(true);
    const bad = await rawGet(servers.proxied!.url, "/", {
      host: "10.0.0.5:8080",
      "x-forwarded-proto": "gopher",
      "x-forwarded-host": "evil.example/x@y",
      "x-forwarded-prefix": "/../x?y",
    });
    for (const h of hrefs(bad.body)) expect(h.startsWith("http://10.0.0.5:8080/"), h).toBe(true);
  });

  it("with --allowed-host, only the named hosts are copied (Host and X-Forwarded-Host); others get the listening address", async () => {
    const port = new URL(servers.allowed!.url).port;
    const linksFor = async (headers: Record<string, string>) =>
      hrefs((await rawGet(servers.allowed!.url, "/search?limit=2", headers)).body);
    for (const h of await linksFor({ host: "STAC.example.org:8443" }))
      expect(h.toLowerCase().startsWith("http://stac.example.org:8443/"), h).toBe(true);
    for (const h of await linksFor({ host: "a.b.example.net" }))
      expect(h.startsWith("http://a.b.example.net/"), h).toBe(true);
    for (const forged of ["evil.example", "example.net", "stac.example.org.evil.example", "evilexample.net"])
      for (const h of await linksFor({ host: forged }))
        expect(h.startsWith(`http://127.0.0.1:${port}/`), `${forged}: ${h}`).toBe(true);
    for (const h of await linksFor({ host: "stac.example.org", "x-forwarded-host": "evil.example" }))
      expect(h.startsWith("http://stac.example.org/"), h).toBe(true);
    for (const h of await linksFor({ host: "evil.example", "x-forwarded-host": "x.example.net" }))
      expect(h.startsWith("http://x.example.net/"), h).toBe(true);
  });

  it("with --public-url every link is built on it, whatever the request says", async () => {
    const r = await rawGet(servers.public!.url, "/collections/gen/items?limit=2", {
      host: "evil.example",
      "x-forwarded-host": "evil2.example",
    });
    for (const h of hrefs(r.body)) expect(h.startsWith("https://stac.example.org/api/"), h).toBe(true);
    for (const f of r.body.features)
      for (const h of hrefs(f)) expect(h).toMatch(/^https:\/\/stac\.example\.org\/api\//);
    const api = await rawGet(servers.public!.url, "/api", { host: "evil.example" });
    expect(api.body.servers[0].url).toBe("https://stac.example.org/api");
  });

  it("checks --public-url and Host values", () => {
    expect(checkPublicUrl("https://x.org/a/b/")).toBe("https://x.org/a/b");
    for (const bad of ["ftp://x.org", "https://x.org/?q=1", "not a url", "https://u:p@x.org"])
      expect(() => checkPublicUrl(bad), bad).toThrow(/public-url/);
    for (const ok of ["a.b", "a.b:80", "127.0.0.1:8080", "[::1]:8080", "localhost"])
      expect(isHostHeader(ok), ok).toBe(true);
    for (const bad of ["a/b", "a@b", "a b", "a:", "a:123456", "", "-a.b"])
      expect(isHostHeader(bad), bad).toBe(false);
    for (const bad of ["a.b:80", "a/b", "*", "*.", "a@b", ""])
      expect(() => hostAllowList([bad]), bad).toThrow(/allowed-host/);
    const allowed = hostAllowList(["x.org", "*.y.org"]);
    expect(["x.org", "X.ORG:1", "x.org.", "a.y.org", "a.b.y.org:8080"].every(allowed)).toBe(true);
    expect(["y.org", "ax.org", "x.org.evil", "a.y.org.evil"].some(allowed)).toBe(false);
  });
});
