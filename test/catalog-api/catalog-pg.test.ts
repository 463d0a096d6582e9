/**
 * `refs catalog --pg` (and $REFS_PG_URL) ingests a project's items into PostgreSQL, which `refs serve --pg`
 * (and `refs serve` with $REFS_PG_URL) then serves: a real project (generated NetCDF -> scan -> compute), the real
 * CLI as processes, a real PostgreSQL server in its own database.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../catalog-api/api/app.js";
import { PostgresStore } from "../../catalog-api/backend/postgres-store.js";
import { writeEra5Like } from "../../pipelines/demo/era5-like.js";
import { computePhase } from "../../pipelines/phases/compute/compute-phase.js";
import { scanPhase } from "../../pipelines/phases/scan/scan-phase.js";
import { defaultConfig } from "../../pipelines/project/config.js";
import { Workspace } from "../../pipelines/project/workspace.js";

const pgUrl = process.env.REFS_TEST_PG_URL;
const root = resolve(import.meta.dirname, "..", "..");
const schemasDir = process.env.REFS_STAC_SCHEMAS ?? resolve(root, "..", "shared", "stac-schemas");
const haveSchemas = existsSync(join(schemasDir, "v1.0.0"));

interface Features {
  features: { id: string; properties: Record<string, unknown> }[];
}

/** Run the CLI to completion; the exit code and what it printed. */
function refs(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [join(root, "bin", "refs.js"), ...args], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d) => {
    out += String(d);
  });
  child.stderr.on("data", (d) => {
    out += String(d);
  });
  return new Promise((r) => child.once("exit", (code) => r({ code, out })));
}

if (!pgUrl || !haveSchemas) {
  describe("refs catalog --pg", () => {
    it.skip(`skipped: ${pgUrl ? `no STAC schemas at ${schemasDir}` : "REFS_TEST_PG_URL is not set (run `. .ci/postgres.sh` to start a server and set it)"}`, () => {});
  });
} else {
  describe("refs catalog --pg", () => {
    const dbName = `refs_catalog_pg_${process.pid}`;
    const dbUrl = new URL(pgUrl);
    dbUrl.pathname = `/${dbName}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    let workdir: string;
    let ws: Workspace;
    let serving: ChildProcess | undefined;
    // the CLI must not pick up a URL from the developer's environment
    const env = { ...process.env, REFS_PG_URL: "", REFS_STAC_SCHEMAS: schemasDir };

    beforeAll(async () => {
      await admin.connect();
      await admin.query(`CREATE DATABASE ${dbName}`);
      workdir = await mkdtemp(join(tmpdir(), "refs-catalog-pg-"));
      const data = join(workdir, "data");
      await writeEra5Like({
        dir: data,
        days: 2,
        latNorth: 50,
        latSouth: 44,
        lonWest: 0,
        lonEast: 6,
        step: 1,
        chunks: [4, 7, 7],
      });
      ws = new Workspace(workdir, "pgproj");
      const config = defaultConfig("pgproj", [join(data, "*.nc")]);
      config.compute.resolution = 4;
      await ws.saveConfig(config);
      expect((await scanPhase(ws, { quiet: true })).status.state).toBe("done");
      expect((await computePhase(ws, { quiet: true })).status.state).toBe("done");
    }, 120_000);

    afterAll(async () => {
      if (serving && serving.exitCode === null) {
        const exited = new Promise((r) => serving!.once("exit", r));
        serving.kill("SIGTERM");
        await exited;
      }
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
      if (workdir) await rm(workdir, { recursive: true, force: true });
    });

    it("--pg: the items go to PostgreSQL (not the workdir's SQLite file), searchable by time and H3", async () => {
      const run = await refs(
        ["catalog", "pgproj", "--workdir", workdir, "--pg", dbUrl.toString(), "--json"],
        env,
      );
      expect(run.code, run.out).toBe(0);
      const summary = JSON.parse(run.out) as { items: number; store: string };
      expect(summary.store).toBe("postgres");
      expect(summary.items).toBeGreaterThan(1);
      expect(existsSync(ws.apiDatabase)).toBe(false);
      const store = await PostgresStore.open(dbUrl.toString());
      try {
        expect(await store.countItems()).toBe(summary.items);
        const app = createApp({ store });
        const day2 = (await (
          await app.request("/search?collections=pgproj&datetime=2022-01-02T00:00:00Z/..&limit=100")
        ).json()) as Features;
        const partitions = day2.features.filter((f) => !f.id.endsWith("references"));
        expect(partitions.length).toBeGreaterThan(0);
        for (const f of partitions)
          expect(f.properties.datetime ?? f.properties.end_datetime).toMatch(/^2022-01-02/);
        const cell = (partitions[0]!.properties["h3:cells"] as string[])[0]!;
        const byCell = (await (await app.request(`/search?h3=${cell}&limit=100`)).json()) as Features;
        expect(byCell.features.map((f) => f.id)).toContain(partitions[0]!.id);
        // the reference set carries the grid's cells too (compacted), so the same search finds it
        expect(byCell.features.map((f) => f.id)).toContain("pgproj-references");
      } finally {
        await store.close();
      }
    }, 120_000);

    it("$REFS_PG_URL: re-cataloguing replaces the items, and `refs serve` with it serves them", async () => {
      const before = await PostgresStore.open(dbUrl.toString());
      const count = await before.countItems();
      await before.close();
      const withEnv = { ...env, REFS_PG_URL: dbUrl.toString() };
      const run = await refs(["catalog", "pgproj", "--workdir", workdir, "-q"], withEnv);
      expect(run.code, run.out).toBe(0);
      expect(existsSync(ws.apiDatabase)).toBe(false);
      const after = await PostgresStore.open(dbUrl.toString());
      try {
        expect(await after.countItems()).toBe(count);
      } finally {
        await after.close();
      }
      const child = spawn(
        process.execPath,
        [join(root, "bin", "refs.js"), "serve", "--port", "0", "--processes", "1"],
        { env: withEnv, stdio: ["ignore", "pipe", "pipe"] },
      );
      serving = child;
      const url = await new Promise<string>((ok, fail) => {
        let out = "";
        child.stdout.on("data", (d) => {
          out += String(d);
          const m = /STAC API at (http:\/\/\S+?)\/ \((\w+)/.exec(out);
          if (m) ok(m[1]!);
        });
        child.once("exit", (code) => fail(new Error(`refs serve exited with ${code}: ${out}`)));
      });
      const items = (await (await fetch(`${url}/collections/pgproj/items?limit=1000`)).json()) as Features;
      expect(items.features).toHaveLength(count);
      expect(items.features.map((f) => f.id)).toContain("pgproj-references");
    }, 120_000);
  });
}
