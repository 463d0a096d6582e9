/**
 * Where the catalog's STAC schemas come from when no folder is given: the local cache, filled from the network on
 * first use and by `refs schemas fetch`; offline, the network is tried once, briefly, and the reason reported.
 * The network itself is a local TCP server posing as the proxy (refusing, hanging up, or silent): nothing on the
 * internet is reachable from CI. Filling the cache uses a stand-in fetcher serving the test schema folder.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { folderSchemaLoader, schemaFolderPath } from "../../catalog-api/stac/schema-folder.js";
import { validateStac } from "../../catalog-api/stac/validate.js";
import { EXIT } from "../../pipelines/cli/command.js";
import { stacSchemaCacheDir } from "../../pipelines/stac-schemas/cache-dir.js";
import { cachedSchemaLoader } from "../../pipelines/stac-schemas/cached-loader.js";
import {
  type FetchResult,
  fetchSchema,
  proxyFor,
  resetNetworkMemo,
} from "../../pipelines/stac-schemas/fetch-schema.js";
import { runCli } from "./helpers/run-cli.js";
import { writeTestStacSchemas } from "./helpers/stac-schemas.js";

const ITEM = "https://schemas.stacspec.org/v1.0.0/item-spec/json-schema/item.json";
let dir: string;
let remote: string;

const item = {
  type: "Feature",
  stac_version: "1.0.0",
  id: "i",
  geometry: { type: "Point", coordinates: [10, 50] },
  bbox: [10, 50, 10, 50],
  properties: { datetime: "2022-01-01T00:00:00Z" },
  links: [],
  assets: { data: { href: "a.parquet" } },
  stac_extensions: ["https://stac-extensions.github.io/file/v2.1.0/schema.json"],
};

/** A local server standing for the proxy: each connection is refused by closing it, or left silent. */
async function fakeProxy(
  mode: "hang-up" | "silent",
): Promise<{ url: string; connections: () => number; stop: () => void }> {
  let count = 0;
  const open: Socket[] = [];
  const server = createServer((socket) => {
    count++;
    open.push(socket);
    if (mode === "hang-up") socket.destroy();
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as { port: number };
  const stop = () => {
    for (const socket of open) socket.destroy();
    server.close();
  };
  return { url: `http://127.0.0.1:${port}`, connections: () => count, stop };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "refs-schema-cache-"));
  remote = await writeTestStacSchemas(join(dir, "remote"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(() => resetNetworkMemo());

describe("the schema cache folder", () => {
  it("is $REFS_STAC_SCHEMA_CACHE, else under $XDG_CACHE_HOME, else ~/.cache", () => {
    expect(stacSchemaCacheDir({ REFS_STAC_SCHEMA_CACHE: "/c", XDG_CACHE_HOME: "/x", HOME: "/h" })).toBe("/c");
    expect(stacSchemaCacheDir({ XDG_CACHE_HOME: "/x", HOME: "/h" })).toBe("/x/refs/stac-schemas");
    expect(stacSchemaCacheDir({ HOME: "/h" })).toBe("/h/.cache/refs/stac-schemas");
  });

  it("maps schema URLs into the folder layout, and nothing outside it", () => {
    expect(schemaFolderPath(ITEM)).toBe("v1.0.0/item-spec/json-schema/item.json");
    expect(schemaFolderPath("https://stac-extensions.github.io/file/v2.1.0/schema.json#/x")).toBe(
      "extensions/file/v2.1.0/schema.json",
    );
    expect(schemaFolderPath("https://geojson.org/schema/Feature.json")).toBe("geojson/Feature.json");
    expect(schemaFolderPath("https://stac-extensions.github.io/../../etc/passwd.json")).toBeUndefined();
    expect(schemaFolderPath("https://example.com/x.json")).toBeUndefined();
  });
});

describe("filled on first online use", () => {
  it("fetches each schema once, keeps it, and a later run validates from the cache alone", async () => {
    const cache = join(dir, "cache-fill");
    const fetched: string[] = [];
    // the remote item schema also requires `collection`: a rule only the fetched schema knows
    const serveRemote = async (url: string): Promise<FetchResult> => {
      fetched.push(url);
      const found = await folderSchemaLoader(remote)(url);
      if (!("schema" in found)) return { missing: `${url}: HTTP 404` };
      const schema = found.schema as { required?: string[] };
      return {
        json: url === ITEM ? { ...schema, required: [...(schema.required ?? []), "collection"] } : schema,
      };
    };
    const inCollection = { ...item, collection: "c" };
    const first = await validateStac([inCollection], {
      loadSchema: cachedSchemaLoader(cache, {}, serveRemote),
    });
    expect(first).toEqual({ uncheckedExtensions: [], uncheckedCore: [], unavailable: [] });
    expect(fetched.sort()).toEqual([ITEM, item.stac_extensions[0]].sort());
    expect(await readdir(join(cache, "v1.0.0", "item-spec", "json-schema"))).toEqual(["item.json"]);
    // offline now: every fetch fails, and the cached schemas are still applied (no collection: refused)
    const offline = async (): Promise<FetchResult> => ({ missing: "offline" });
    const second = await validateStac([inCollection], { loadSchema: cachedSchemaLoader(cache, {}, offline) });
    expect(second.uncheckedCore).toEqual([]);
    await expect(
      validateStac([item], { loadSchema: cachedSchemaLoader(cache, {}, offline) }),
    ).rejects.toThrow(/collection/);
    expect(fetched).toHaveLength(2);
  });
});

describe("offline", () => {
  it("one attempt: the failure is remembered, later schemas do not try the network again", async () => {
    const proxy = await fakeProxy("hang-up");
    try {
      const env = { HTTPS_PROXY: proxy.url };
      const first = await fetchSchema(ITEM, env);
      expect(first).toMatchObject({ missing: expect.stringContaining(`through proxy ${proxy.url}`) });
      const second = await fetchSchema("https://geojson.org/schema/Feature.json", env);
      expect(second).toEqual(first);
      expect(proxy.connections()).toBe(1);
    } finally {
      proxy.stop();
    }
  });

  it("a silent network is given up after the timeout, not waited for", async () => {
    const proxy = await fakeProxy("silent");
    try {
      const t0 = performance.now();
      const result = await fetchSchema(ITEM, { HTTPS_PROXY: proxy.url }, 300);
      expect(result).toMatchObject({ missing: expect.stringContaining("no answer within 0.3 s") });
      expect(performance.now() - t0).toBeLessThan(3000);
    } finally {
      proxy.stop();
    }
  });

  it("nothing cached and no network: objects are structurally checked, core schemas named with the reason", async () => {
    const proxy = await fakeProxy("hang-up");
    try {
      const cache = join(dir, "cache-empty");
      const loadSchema = cachedSchemaLoader(cache, { HTTPS_PROXY: proxy.url });
      const report = await validateStac([item], { loadSchema });
      expect(report.uncheckedCore.map((c) => c.schema)).toEqual([ITEM]);
      expect(report.uncheckedCore[0]?.reason).toMatch(
        /^not cached in .*cache-empty, and the network is unreachable/,
      );
      // a structurally broken item is still refused
      await expect(validateStac([{ ...item, bbox: [1, 2] }], { loadSchema })).rejects.toThrow(
        /bbox must have 4 or 6/,
      );
    } finally {
      proxy.stop();
    }
  });

  it("proxies: HTTPS_PROXY for https, NO_PROXY bypasses by host suffix", () => {
    const url = new URL(ITEM);
    expect(proxyFor(url, { HTTPS_PROXY: "http://p:1" })).toBe("http://p:1");
    expect(proxyFor(url, { HTTP_PROXY: "http://p:1" })).toBeUndefined();
    expect(
      proxyFor(url, { HTTPS_PROXY: "http://p:1", NO_PROXY: "example.com,.stacspec.org" }),
    ).toBeUndefined();
    expect(proxyFor(url, { https_proxy: "http://p:1", no_proxy: "*" })).toBeUndefined();
    expect(proxyFor(url, { HTTPS_PROXY: "http://p:1", NO_PROXY: "stacspec.org.evil" })).toBe("http://p:1");
  });

  it("refs schemas fetch: exit 1 naming what could not be had, and why", async () => {
    const proxy = await fakeProxy("hang-up");
    const saved = { ...process.env };
    try {
      process.env.HTTPS_PROXY = proxy.url;
      const { code, err, out } = await runCli(["schemas", "fetch", "--cache", join(dir, "cache-cmd")]);
      expect(code).toBe(EXIT.failure);
      expect(out).toContain(`0 schemas in ${join(dir, "cache-cmd")}`);
      expect(err).toContain(`refs schemas: missing ${ITEM}: not cached in`);
      expect(err).toContain(`through proxy ${proxy.url}`);
    } finally {
      process.env = saved;
      proxy.stop();
    }
  });
});
