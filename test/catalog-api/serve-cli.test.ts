import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresStore } from "../../catalog-api/backend/postgres-store.js";
import { SqliteStore } from "../../catalog-api/backend/sqlite-store.js";
import { generatedCollection, generateItems } from "./generate-items.js";
import { withScratchDatabase } from "./scratch-database.js";

const pgUrl = process.env.REFS_TEST_PG_URL;

interface Served {
  child: ChildProcess;
  url: string;
}

/** Start `refs serve` as a real process and wait for the line naming its URL. */
async function startServe(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, ["bin/refs.js", "serve", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d) => {
      out += String(d);
      const m = /STAC API at (http:\/\/\S+?)\//.exec(out);
      if (m) resolve(m[1]!);
    });
    child.stderr!.on("data", (d) => console.error(String(d)));
    child.once("exit", (code) => reject(new Error(`refs serve exited with ${code}: ${out}`)));
  });
  return { child, url };
}

async function stop(s: Served | undefined): Promise<number | null> {
  if (!s || s.child.exitCode !== null) return s?.child.exitCode ?? null;
  const exited = new Promise<number | null>((r) => s.child.once("exit", (code) => r(code)));
  s.child.kill("SIGTERM");
  return exited;
}

/** One request on a new TCP connection (no keep-alive agent), so the primary hands it to the next process. */
function fresh(url: string, method = "GET", body?: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { authorization: "Bearer t0k" };
    if (body !== undefined) headers["content-type"] = "application/json";
    const req = request(url, { method, agent: false, headers }, (res) => {
      let text = "";
      res.on("data", (d) => {
        text += String(d);
      });
      res.on("end", () => resolve({ status: res.statusCode!, json: text ? JSON.parse(text) : undefined }));
    });
    req.once("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** `refs` processes whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      // only copies of refs itself (tsx keeps an esbuild service as another child)
      if (ppid === pid && readFileSync(`/proc/${name}/cmdline`, "utf8").includes("bin/refs.js"))
        out.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/**
 * Two serving processes over one store: writes through one connection are seen through every other one
 * (connections are handed to the processes in turn), including a new collection's queryables.
 */
async function sharedWrites(storeArgs: string[]): Promise<void> {
  const s = await startServe([...storeArgs, "--port", "0", "--token", "t0k", "--processes", "2"]);
  let workers: number[] = [];
  try {
    workers = childrenOf(s.child.pid!);
    expect(workers).toHaveLength(2);
    const item = generateItems(60)[55]!;
    expect((await fresh(`${s.url}/collections/gen/items`, "POST", item)).status).toBe(201);
    // every process reads (and keeps) the collections; then a new collection with a new queryable must be seen
    for (let i = 0; i < 4; i++) expect((await fresh(`${s.url}/search?limit=1`)).status).toBe(200);
    const other = { ...generatedCollection("other"), summaries: { colour: ["red", "blue"] } };
    expect((await fresh(`${s.url}/collections`, "POST", other)).status).toBe(201);
    const red = { ...item, id: "red-1", collection: "other" };
    red.properties = { ...red.properties, colour: "red" };
    expect((await fresh(`${s.url}/collections/other/items`, "POST", red)).status).toBe(201);
    const filter = encodeURIComponent("colour = 'red'");
    for (let i = 0; i < 8; i++) {
      const one = await fresh(`${s.url}/collections/gen/items/${item.id}`);
      expect(one.status).toBe(200);
      const hits = await fresh(`${s.url}/search?collections=other&filter=${filter}`);
      expect(hits.status).toBe(200);
      expect((hits.json as { features: { id: string }[] }).features.map((f) => f.id)).toEqual(["red-1"]);
    }
    expect((await fresh(`${s.url}/collections/gen/items/${item.id}`, "DELETE")).status).toBe(204);
    for (let i = 0; i < 4; i++)
      expect((await fresh(`${s.url}/collections/gen/items/${item.id}`)).status).toBe(404);
  } finally {
    expect(await stop(s)).toBe(0);
  }
  // the workers ended with the primary
  for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
}

/**
 * `--pg-pool 2`: however many searches arrive at once, one serving process holds at most 2 connections for
 * index-driven searches and 2 for the rest (they queue in the process instead).
 */
async function poolBounded(url: string, database: string): Promise<void> {
  const s = await startServe(["--pg", url, "--port", "0", "--processes", "1", "--pg-pool", "2"]);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const searches = Array.from({ length: 40 }, (_, i) =>
      fresh(
        i % 2
          ? `${s.url}/search?ids=item-${String(i).padStart(6, "0")}`
          : `${s.url}/search?filter=${encodeURIComponent("quality > 0.3")}`,
      ),
    );
    for (const r of await Promise.all(searches)) expect(r.status).toBe(200);
    const open = await admin.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
      [database],
    );
    expect(open.rows[0].n).toBeGreaterThanOrEqual(2);
    expect(open.rows[0].n).toBeLessThanOrEqual(4);
  } finally {
    await admin.end();
    expect(await stop(s)).toBe(0);
  }
}

describe("refs serve", () => {
  let dir: string;
  let db: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "refs-serve-"));
    db = join(dir, "catalog.sqlite");
    const store = new SqliteStore(db);
    await store.putCollection(generatedCollection());
    await store.putItems("gen", generateItems(50));
    await store.close();
  }, 60_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("listens on 127.0.0.1 and answers searches and authorised transactions", async () => {
    const s = await startServe(["--db", db, "--port", "0", "--token", "t0k", "--processes", "1"]);
    try {
      const { url } = s;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const landing = (await (await fetch(`${url}/`)).json()) as { links: { rel: string; href: string }[] };
      expect(landing.links.find((l) => l.rel === "search")!.href).toBe(`${url}/search`);
      const page = (await (await fetch(`${url}/search?limit=7`)).json()) as { features: unknown[] };
      expect(page.features).toHaveLength(7);
      const denied = await fetch(`${url}/collections/gen`, { method: "DELETE" });
      expect(denied.status).toBe(401);
      const ok = await fetch(`${url}/collections/gen/items/item-000001`, {
        method: "DELETE",
        headers: { authorization: "Bearer t0k" },
      });
      expect(ok.status).toBe(204);
    } finally {
      expect(await stop(s)).toBe(0);
    }
  }, 60_000);

  it("--public-url: every link is built on it", async () => {
    const s = await startServe([
      "--db",
      db,
      "--port",
      "0",
      "--processes",
      "1",
      "--public-url",
      "https://stac.example.org/v1/",
    ]);
    try {
      const landing = (await (await fetch(`${s.url}/`)).json()) as { links: { rel: string; href: string }[] };
      expect(landing.links.find((l) => l.rel === "search")!.href).toBe("https://stac.example.org/v1/search");
    } finally {
      expect(await stop(s)).toBe(0);
    }
  }, 60_000);

  it("--processes 2: two processes share the port; a write through one is seen by every connection", async () => {
    await sharedWrites(["--db", db]);
  }, 60_000);

  it.skipIf(!pgUrl)(
    "--processes 2 on PostgreSQL: each process has its own pool; writes are seen by all",
    async () => {
      const name = `refs_serve_test_${process.pid}`;
      await withScratchDatabase(pgUrl!, name, async (url) => {
        const store = await PostgresStore.open(url);
        await store.putCollection(generatedCollection());
        await store.putItems("gen", generateItems(50));
        await store.close();
        await sharedWrites(["--pg", url]);
        await poolBounded(url, name);
      });
    },
    90_000,
  );

  it("--processes 2 on a port in use: the serving processes end, and refs serve exits naming the cause", async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", r));
    const port = String((busy.address() as AddressInfo).port);
    try {
      const child = spawn(
        process.execPath,
        ["bin/refs.js", "serve", "--db", db, "--port", port, "--processes", "2"],
        {
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let err = "";
      child.stderr!.on("data", (d) => {
        err += String(d);
      });
      const code = await new Promise((r) => child.once("exit", r));
      expect(code).toBe(1);
      expect(err).toMatch(/EADDRINUSE/);
      expect(err).toMatch(/exited with 1 before listening/);
    } finally {
      busy.close();
    }
  }, 60_000);

  it("refuses --processes 0, :memory: shared by processes, a bad --pg-pool, and --pg-pool without --pg", async () => {
    for (const args of [
      ["--processes", "0"],
      ["--db", ":memory:", "--processes", "2"],
      ["--pg", "postgres://127.0.0.1:1/x", "--pg-pool", "0"],
      ["--db", ":memory:", "--processes", "1", "--pg-pool", "3"],
    ]) {
      const child = spawn(process.execPath, ["bin/refs.js", "serve", "--port", "0", ...args], {
        stdio: "ignore",
      });
      expect(await new Promise((r) => child.once("exit", r))).toBe(2);
    }
  }, 60_000);
});
