import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqliteStore } from "../../catalog-api/backend/sqlite-store.js";
import { generatedCollection, generateItems } from "./generate-items.js";

/** `refs serve` as a real process on 127.0.0.1, over a SQLite file prepared beforehand. */
describe("refs serve", () => {
  let dir: string;
  let child: ChildProcess;
  let url: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "refs-serve-"));
    const db = join(dir, "catalog.sqlite");
    const store = new SqliteStore(db);
    await store.putCollection(generatedCollection());
    await store.putItems("gen", generateItems(50));
    await store.close();
    child = spawn(process.execPath, ["bin/refs.js", "serve", "--db", db, "--port", "0", "--token", "t0k"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    url = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (d) => {
        out += String(d);
        const m = /STAC API at (http:\/\/\S+?)\//.exec(out);
        if (m) resolve(m[1]!);
      });
      child.stderr!.on("data", (d) => console.error(String(d)));
      child.once("exit", (code) => reject(new Error(`refs serve exited with ${code}: ${out}`)));
    });
  }, 60_000);

  afterAll(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  });

  it("listens on 127.0.0.1 and answers searches and authorised transactions", async () => {
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
  });
});
