import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SqliteStore } from "../../catalog-api/backend/sqlite-store.js";
import { apiDatabasePath } from "../../pipelines/project/workspace.js";
import { generatedCollection } from "../catalog-api/generate-items.js";

/** `refs serve` finds the catalog `refs catalog` wrote: <workdir>/catalog.sqlite, by --workdir or REFS_WORKDIR. */
describe("refs serve over a project workdir", () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];

  // Each test starts the CLI (tsx) as a process: seconds on a loaded machine.
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
    }
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  async function workdirWithCatalog(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "refs-serve-wd-"));
    dirs.push(dir);
    const store = new SqliteStore(apiDatabasePath(dir));
    await store.putCollection(generatedCollection("from-workdir"));
    await store.close();
    return dir;
  }

  async function serve(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
    const child = spawn(process.execPath, ["bin/refs.js", "serve", "--port", "0", ...args], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    return new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (d) => {
        out += String(d);
        const m = /STAC API at (http:\/\/\S+?)\//.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once("exit", (code) => reject(new Error(`refs serve exited with ${code}: ${out}`)));
    });
  }

  async function collectionIds(url: string): Promise<string[]> {
    const body = (await (await fetch(`${url}/collections`)).json()) as { collections: { id: string }[] };
    return body.collections.map((c) => c.id);
  }

  it("serves <workdir>/catalog.sqlite with --workdir", async () => {
    const dir = await workdirWithCatalog();
    expect(await collectionIds(await serve(["--workdir", dir]))).toEqual(["from-workdir"]);
  }, 60_000);

  it("serves <REFS_WORKDIR>/catalog.sqlite when no option is given", async () => {
    const dir = await workdirWithCatalog();
    const url = await serve([], { ...process.env, REFS_WORKDIR: dir });
    expect(await collectionIds(url)).toEqual(["from-workdir"]);
  }, 60_000);

  it("refuses a --data-root that cannot confine /cells (a .. segment, a user in a URL)", () => {
    for (const [root, why] of [
      ["/srv/out/../..", "holds a . or .. segment"],
      ["s3://user:secret@bucket/out", "without user, query or fragment"],
    ]) {
      const run = spawnSync(
        process.execPath,
        ["bin/refs.js", "serve", "--db", ":memory:", "--processes", "1", "--data-root", root!],
        {
          encoding: "utf8",
        },
      );
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(why);
    }
  }, 60_000);

  it("refuses --workdir together with --db", () => {
    const run = spawnSync(process.execPath, ["bin/refs.js", "serve", "--workdir", "a", "--db", "b.sqlite"], {
      encoding: "utf8",
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("give one of --workdir, --db or --pg");
  }, 60_000);
});
