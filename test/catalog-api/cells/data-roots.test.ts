/**
 * /cells reads Parquet only under the server's data roots: an item's data href (chosen by whoever holds the write
 * token) that leads elsewhere, by `..`, a symbolic link, another absolute path, a file:// URL or an http(s) URL,
 * is a 403 naming the item, and the file is never read. DuckDB itself is confined to the same roots, so a path
 * that slipped past the check would still not be read. The demo's own items keep working.
 */
import { copyFile, mkdir, symlink } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../../catalog-api/api/app.js";
import { SqliteStore } from "../../../catalog-api/backend/sqlite-store.js";
import { DataRootError, DataRoots } from "../../../catalog-api/cells/data-roots.js";
import { frag } from "../../../catalog-api/cells/duck-sql.js";
import { CellsDatabase, CellsQueryError } from "../../../catalog-api/cells/duckdb-runner.js";
import { runSearch } from "../../../catalog-api/search/run-search.js";
import type { StacItem } from "../../../catalog-api/stac/types.js";
import { projectDataRoots } from "../../../pipelines/cli/commands/serve-data-roots.js";
import { type DemoOutput, makeDemoOutput } from "./demo-output.js";

let demo: DemoOutput;
let item: StacItem;
let outsideFile: string;
let http: Server;
let httpUrl: string;
const httpRequests: string[] = [];

beforeAll(async () => {
  demo = await makeDemoOutput(1, "era5-roots");
  const page = await runSearch(demo.store, { collections: [demo.collection], limit: 50 });
  item = page.items
    .map((f) => JSON.parse(f.text) as StacItem)
    .find((i) => String(i.assets.data?.href).endsWith(".parquet"))!;
  // a real Parquet file outside the root: the same bytes as the item's, so only the confinement stops a read
  const outside = join(demo.dir, "outside");
  await mkdir(outside);
  outsideFile = join(outside, "secret.parquet");
  await copyFile(new URL(dataHref()), outsideFile);
  await symlink(outsideFile, join(demo.h3Root, "link.parquet"));
  // a web server on loopback that records what it is asked for
  http = createServer((req, res) => {
    httpRequests.push(req.url ?? "");
    res.writeHead(404).end();
  });
  await new Promise<void>((done) => http.listen(0, "127.0.0.1", done));
  httpUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  http?.close();
  await demo?.cleanup();
});

const dataHref = () => String(item.assets.data?.href);

/** A catalog holding the demo's collection and one copy of its item whose data href is `href`. */
async function appWithHref(href: string, dataRoots = [demo.h3Root]) {
  const store = new SqliteStore(":memory:");
  await store.putCollection((await demo.store.getCollection(demo.collection))!);
  const copy = structuredClone(item);
  copy.id = "tampered";
  copy.assets.data = { ...copy.assets.data, href };
  await store.putItems(demo.collection, [copy]);
  return { app: createApp({ store, dataRoots }), store };
}

describe("hrefs outside the data roots are refused, never read", () => {
  const cases: [string, () => string][] = [
    ["a path with ..", () => `${demo.h3Root}/../outside/secret.parquet`],
    ["a path with a percent-encoded ..", () => `file://${demo.h3Root}/%2e%2E/outside/secret.parquet`],
    ["a symbolic link in the root to a file outside", () => join(demo.h3Root, "link.parquet")],
    ["another absolute path", () => outsideFile],
    ["a file:// URL of a file outside", () => pathToFileURL(outsideFile).href],
    ["a file:// URL with ..", () => `${pathToFileURL(demo.h3Root).href}/../outside/secret.parquet`],
    ["a file:// URL on another host", () => `file://example.org${outsideFile}`],
    ["/etc/passwd", () => "/etc/passwd"],
    ["http://127.0.0.1", () => `${httpUrl}/secret.parquet`],
    ["https://127.0.0.1", () => `${httpUrl.replace("http:", "https:")}/secret.parquet`],
    ["an s3:// URL", () => "s3://bucket/era5/x.parquet"],
    ["a glob inside the root", () => `${demo.h3Root}/**/*.parquet`],
    ["a relative path", () => "outside/secret.parquet"],
    ["a scheme DuckDB knows but the server does not read", () => "hf://datasets/x/y.parquet"],
  ];
  for (const [what, href] of cases) {
    it(what, async () => {
      const { app, store } = await appWithHref(href());
      for (const format of ["csv", "geojson", "parquet"]) {
        const res = await app.request(`/collections/${demo.collection}/cells?f=${format}`);
        const body = (await res.json()) as { code: string; description: string };
        expect(res.status, body.description).toBe(403);
        expect(body.code).toBe("Forbidden");
        expect(body.description).toContain('item "tampered"');
        expect(body.description).toMatch(/not read/);
      }
      await store.close();
    });
  }

  it("the web server on loopback was never asked for anything", () => {
    expect(httpRequests).toEqual([]);
  });

  it("with no data root at all, nothing is read", async () => {
    const { app, store } = await appWithHref(dataHref(), []);
    const res = await app.request(`/collections/${demo.collection}/cells`);
    expect(res.status).toBe(403);
    await store.close();
  });
});

describe("the demo's own items still work", () => {
  it("as file:// URLs (what the catalog writes) and as plain absolute paths", async () => {
    for (const href of [dataHref(), new URL(dataHref()).pathname]) {
      const { app, store } = await appWithHref(href);
      const res = await app.request(`/collections/${demo.collection}/cells?f=csv&limit=5`);
      expect(res.status, await res.clone().text()).toBe(200);
      expect((await res.text()).trimEnd().split("\r\n")).toHaveLength(6);
      await store.close();
    }
  });

  it("every item of the demo, under the root given as a file:// URL, and under the project's default root", async () => {
    const roots = await projectDataRoots(join(demo.dir, "work"), (line) => {
      throw new Error(line);
    });
    expect(roots).toEqual([demo.h3Root]);
    for (const dataRoots of [[pathToFileURL(demo.h3Root).href], roots]) {
      const app = createApp({ store: demo.store, dataRoots });
      const res = await app.request(`/collections/${demo.collection}/cells?aggregate=count&f=csv`);
      expect(res.status).toBe(200);
      expect(Number(res.headers.get("x-refs-files"))).toBeGreaterThan(0);
    }
  });

  it("a missing file inside the root is a 500 naming the item, not a DuckDB message", async () => {
    const { app, store } = await appWithHref(join(demo.h3Root, "gone.parquet"));
    const res = await app.request(`/collections/${demo.collection}/cells`);
    const body = (await res.json()) as { description: string };
    expect(res.status).toBe(500);
    expect(body.description).toMatch(/item "tampered".*does not exist/);
    await store.close();
  });
});

describe("rollup hrefs are confined like data hrefs", () => {
  it("a rollup asset outside the roots (a file, a symlink out, a loopback URL) is a 403 and is not read", async () => {
    expect(item.assets.rollup?.roles).toEqual(["rollup"]);
    for (const href of [
      pathToFileURL(outsideFile).href,
      pathToFileURL(join(demo.h3Root, "link.parquet")).href,
      `${httpUrl}/rollup.parquet`,
    ]) {
      const store = new SqliteStore(":memory:");
      await store.putCollection((await demo.store.getCollection(demo.collection))!);
      const copy = structuredClone(item);
      copy.id = "tampered";
      copy.assets.rollup = { ...copy.assets.rollup!, href };
      await store.putItems(demo.collection, [copy]);
      const app = createApp({ store, dataRoots: [demo.h3Root] });
      const res = await app.request(`/collections/${demo.collection}/cells?aggregate=max&f=csv`);
      const body = (await res.json()) as { description: string };
      expect(res.status, href).toBe(403);
      expect(body.description).toMatch(/item "tampered"/);
      await store.close();
    }
    expect(httpRequests.filter((u) => u.includes("rollup"))).toEqual([]);
  });
});

describe("column names come from the items: quoted, never SQL", () => {
  it("a column named to read /etc/passwd reads nothing (the store refuses a NUL in a name already)", async () => {
    const store = new SqliteStore(":memory:");
    await store.putCollection((await demo.store.getCollection(demo.collection))!);
    const copy = structuredClone(item);
    const evil = `tp" FROM read_csv('/etc/passwd') --`;
    const columns = copy.properties["table:columns"] as { name: string; type: string }[];
    copy.properties["table:columns"] = [...columns, { name: evil, type: "float64" }];
    await store.putItems(demo.collection, [copy]);
    const app = createApp({ store, dataRoots: [demo.h3Root] });
    const res = await app.request(`/collections/${demo.collection}/cells?aggregate=max&f=csv&limit=3`);
    const body = await res.text();
    // the quoted name is not a column of the file: DuckDB refuses the query (a 500 naming no SQL), nothing is read
    expect(res.status).toBe(500);
    expect(body).not.toMatch(/root:|read_csv|passwd/);
    await store.close();
  });
});

describe("DuckDB itself reads only under the roots", () => {
  it("a query naming a file outside fails inside DuckDB; settings cannot be changed back", async () => {
    const db = new CellsDatabase(DataRoots.parse([demo.h3Root]));
    const inside = new URL(dataHref()).pathname;
    const read = (path: string) =>
      db.columns(frag("SELECT count(*) FROM read_parquet(?)", { type: "varchar[]", values: [path] }));
    expect(Number((await read(inside))[0]![0])).toBeGreaterThan(0);
    for (const path of [
      outsideFile,
      join(demo.h3Root, "link.parquet"),
      `${demo.h3Root}/../outside/secret.parquet`,
    ])
      await expect(read(path), path).rejects.toThrow(/Permission Error/);
    await expect(db.columns(frag("SET enable_external_access = true"))).rejects.toBeInstanceOf(
      CellsQueryError,
    );
    await expect(db.columns(frag("SELECT * FROM read_csv('/etc/passwd')"))).rejects.toThrow(/Permission/);
    await db.close();
  });
});

describe("data roots as given to refs serve --data-root", () => {
  it("refuses roots that cannot confine anything", () => {
    for (const bad of [
      "/srv/out/../..",
      "s3://user:pw@bucket/x",
      "http://127.0.0.1/",
      "ftp://x/y",
      "/out/*",
      "s3://b/x?y",
    ])
      expect(() => DataRoots.parse([bad]), bad).toThrow(DataRootError);
  });

  it("compares URLs by scheme, bucket or host and path prefix", async () => {
    const roots = DataRoots.parse(["s3://bucket/era5", "gcs://other/out/", `${"http://127.0.0.1:9"}/data`]);
    const check = (href: string) => roots.check([{ itemId: "i", href }]);
    await expect(check("s3://bucket/era5/h0=1/data_0.parquet")).resolves.toEqual({
      paths: ["s3://bucket/era5/h0=1/data_0.parquet"],
      remote: ["s3://bucket/era5/h0=1/data_0.parquet"],
    });
    expect((await check("gs://other/out/a.parquet")).paths).toEqual(["gs://other/out/a.parquet"]);
    expect((await check("http://127.0.0.1:9/data/a.parquet")).paths).toEqual([
      "http://127.0.0.1:9/data/a.parquet",
    ]);
    for (const bad of [
      "s3://bucket/era5x/a.parquet",
      "s3://bucket2/era5/a.parquet",
      "s3://bucket/era5/../secret.parquet",
      "s3://bucket/era5/%2E%2e/secret.parquet",
      "s3://bucket/era5%2fx.parquet",
      "gs://bucket/era5/a.parquet",
      "http://127.0.0.1:10/data/a.parquet",
      "http://127.0.0.1:9/data/a.parquet?x=1",
      "http://u@127.0.0.1:9/data/a.parquet",
      "https://127.0.0.1:9/data/a.parquet",
    ])
      await expect(check(bad), bad).rejects.toMatchObject({ status: 403 });
  });
});
