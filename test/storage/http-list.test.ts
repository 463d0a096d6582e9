/**
 * HTTP listing beyond the conformance suite: links read from index pages as Apache and nginx write them, the
 * errors when a server has no index, `?` as the start of a query, percent-encoded names, pruning of the walk.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  AccessDeniedError,
  DirectoryIndexError,
  TimeoutError,
  UnsupportedUrlError,
} from "../../refs/storage/errors.js";
import { indexLinks } from "../../refs/storage/http-index.js";
import { HttpStore } from "../../refs/storage/http-store.js";
import type { ObjectInfo } from "../../refs/storage/types.js";
import { type RangeServer, startRangeServer } from "../servers/http-range-server.js";

async function collect(items: AsyncIterable<ObjectInfo>): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe("indexLinks", () => {
  it("reads an Apache FancyIndexing page: relative entries, no sort links, icons or parent", () => {
    const html = `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">
<html><head><title>Index of /pub/era5</title></head><body><h1>Index of /pub/era5</h1>
<table><tr><th valign="top"><img src="/icons/blank.gif" alt="[ICO]"></th><th><a href="?C=N;O=D">Name</a></th>
<th><a href="?C=M;O=A">Last modified</a></th></tr>
<tr><td><img src="/icons/back.gif" alt="[PARENTDIR]"></td><td><a href="/pub/">Parent Directory</a></td></tr>
<tr><td><img src="/icons/folder.gif" alt="[DIR]"></td><td><a href="2022/">2022/</a></td></tr>
<tr><td><img src="/icons/unknown.gif" alt="[   ]"></td><td><a href="t%20%26%20p.nc">t &amp; p.nc</a></td></tr>
<tr><td></td><td><a href="a&amp;b.nc">a&amp;b.nc</a></td></tr>
</table><address>Apache/2.4.57 (Debian) Server at example.org Port 443</address></body></html>`;
    const links = indexLinks(html, "https://example.org/pub/era5/");
    expect(links.folders.map(String)).toEqual(["https://example.org/pub/era5/2022/"]);
    expect(links.files.map(String)).toEqual([
      "https://example.org/pub/era5/t%20%26%20p.nc",
      "https://example.org/pub/era5/a&b.nc",
    ]);
  });

  it("reads an nginx autoindex page, and absolute links on the same origin only", () => {
    const html = `<html>\r\n<head><title>Index of /d/</title></head>\r\n<body>\r\n<h1>Index of /d/</h1><hr><pre>
<a href="../">../</a>
<A HREF='sub/'>sub/</A>                                               01-Jan-2024 00:00       -
<a href=x.nc>x.nc</a>                                                 01-Jan-2024 00:00      10
<a href="https://example.org/d/y.nc#top">y.nc</a> <a href="//example.org/d/y.nc">again</a>
<a href="http://example.org/d/z.nc">other scheme</a> <a href="https://mirror.example.org/d/w.nc">other host</a>
<a href="/d/q.nc?download=1">with a query</a> <a href="/elsewhere/v.nc">outside</a> <a href="/d/">self</a>
</pre><hr></body>\r\n</html>`;
    const links = indexLinks(html, "https://example.org/d/");
    expect(links.folders.map(String)).toEqual(["https://example.org/d/sub/"]);
    expect(links.files.map(String)).toEqual(["https://example.org/d/x.nc", "https://example.org/d/y.nc"]);
  });

  it("lists the folder of a page served under a file name", () => {
    const links = indexLinks('<a href="a.nc">a</a><a href="../b.nc">b</a>', "http://h/d/index.html");
    expect(links.files.map(String)).toEqual(["http://h/d/a.nc"]);
  });
});

describe("HttpStore.list", () => {
  let server: RangeServer;
  let base: string;
  const store = new HttpStore();
  const bytes = (n: number) => new Uint8Array(n);

  beforeAll(async () => {
    server = await startRangeServer();
    base = server.origin;
    for (const key of [
      "/enc/my file é.nc",
      "/enc/plain.nc",
      "/paren/(1).nc",
      "/paren/1.nc",
      "/q.bin",
      "/list/z.nc",
    ]) {
      server.objects.set(key, bytes(key.length));
    }
    for (const year of ["2020", "2021", "2022"]) {
      for (const month of ["01", "02", "03"]) server.objects.set(`/tree/${year}/${month}/t.nc`, bytes(3));
    }
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.options = {};
    server.log.length = 0;
  });

  it("returns percent-encoded URLs and matches decoded names", async () => {
    const all = await collect(store.list(`${base}/enc/*.nc`));
    expect(all).toEqual([
      { url: `${base}/enc/my%20file%20%C3%A9.nc`, size: "/enc/my file é.nc".length },
      { url: `${base}/enc/plain.nc`, size: "/enc/plain.nc".length },
    ]);
    const encoded = await collect(store.list(`${base}/enc/my%20file*.nc`));
    expect(encoded.map((o) => o.url)).toEqual([`${base}/enc/my%20file%20%C3%A9.nc`]);
  });

  it("reads parentheses in a URL literally, not as a pattern group", async () => {
    const found = await collect(store.list(`${base}/paren/(1)*`));
    expect(found.map((o) => o.url)).toEqual([`${base}/paren/(1).nc`]);
  });

  it("treats `?` as the start of the query string, as fsspec does", async () => {
    // `list/z?.nc` is the URL /list/z with query `.nc`: no such object, although /list/z.nc exists.
    expect(await collect(store.list(`${base}/list/z?.nc`))).toEqual([]);
    expect(server.log).toContain("HEAD /list/z?.nc");
    expect(await collect(store.list(`${base}/q.bin?token=abc`))).toEqual([
      { url: `${base}/q.bin?token=abc`, size: "/q.bin".length },
    ]);
    const error = await collect(store.list(`${base}/list/*.nc?token=abc`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedUrlError);
  });

  it("enters only the folders the glob can match below", async () => {
    const found = await collect(store.list(`${base}/tree/*/02/*.nc`));
    expect(found.map((o) => o.url)).toEqual(["2020", "2021", "2022"].map((y) => `${base}/tree/${y}/02/t.nc`));
    const pages = server.log.filter((l) => l.startsWith("GET")).sort();
    expect(pages).toEqual([
      "GET /tree/",
      "GET /tree/2020/",
      "GET /tree/2020/02/",
      "GET /tree/2021/",
      "GET /tree/2021/02/",
      "GET /tree/2022/",
      "GET /tree/2022/02/",
    ]);
  });

  it("fails with DirectoryIndexError when no folder up to the root has an index page", async () => {
    server.options = { autoindex: false };
    const error = await collect(store.list(`${base}/tree/2021/**/*.nc`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DirectoryIndexError);
    expect(error).toMatchObject({ url: `${base}/tree/2021/`, status: 404 });
    expect(server.log.filter((l) => l.startsWith("GET"))).toEqual(["GET /tree/2021/", "GET /tree/", "GET /"]);
  });

  it("fails with DirectoryIndexError when a folder answers with something other than HTML", async () => {
    server.options = {
      intercept: (req, res) => {
        if (req.url !== "/tree/") return false;
        res.writeHead(200, { "content-type": "application/json" }).end('{"files":[]}');
        return true;
      },
    };
    const error = await collect(store.list(`${base}/tree/**`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DirectoryIndexError);
    expect((error as Error).message).toContain("application/json");
  });

  it("fails with DirectoryIndexError when a linked folder has no index page", async () => {
    server.options = {
      intercept: (req, res) => {
        if (req.url !== "/tree/2021/") return false;
        res.writeHead(404, { "content-length": 0 }).end();
        return true;
      },
    };
    const error = await collect(store.list(`${base}/tree/**/*.nc`)).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "DirectoryIndexError", url: `${base}/tree/2021/` });
    const below = await collect(store.list(`${base}/tree/2021/**/*.nc`)).catch((e: unknown) => e);
    expect(below).toMatchObject({ name: "DirectoryIndexError", url: `${base}/tree/2021/` });
    expect((below as Error).message).toContain(`linked from ${base}/tree/`);
  });

  it("maps a refused index page to AccessDeniedError", async () => {
    server.options = {
      intercept: (req, res) => {
        if (req.url !== "/tree/") return false;
        res.writeHead(403, { "content-length": 0 }).end();
        return true;
      },
    };
    const error = await collect(store.list(`${base}/tree/*/01/*.nc`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessDeniedError);
  });

  it("times out on a stalled index page when timeoutMs is set", async () => {
    server.options = { intercept: (req) => req.url === "/tree/" };
    const started = Date.now();
    const error = await collect(new HttpStore({ timeoutMs: 200 }).list(`${base}/tree/**`)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ url: `${base}/tree/`, timeoutMs: 200 });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
