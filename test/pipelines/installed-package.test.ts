/**
 * The installed package, as a user on a machine with no network gets it: `npm pack`, installed into an empty
 * folder (helpers/packed-install.ts), then `refs --help` and the demo run from there with HTTP(S)_PROXY pointed
 * at a closed port, no REFS_STAC_SCHEMAS, no ../shared beside it and an empty schema cache. Every phase must end
 * done, the catalog with "schema validation skipped: <why>" recorded as a warning; the validate step of this
 * clean run prints no WARNING line. Times are printed, not asserted.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PhaseStatus } from "../../pipelines/status/phase-status.js";
import { installPacked } from "./helpers/packed-install.js";

let dir: string;
let refs: string;
let env: NodeJS.ProcessEnv;
let proxy: string;

/** A port nothing listens on: taken from the system, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

function run(args: string[]) {
  const t0 = performance.now();
  const r = spawnSync(refs, args, { cwd: dir, env, encoding: "utf8", timeout: 240_000 });
  return { code: r.status, out: r.stdout, err: r.stderr, seconds: (performance.now() - t0) / 1000 };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "refs-installed-"));
  proxy = `http://127.0.0.1:${await closedPort()}`;
  const { REFS_STAC_SCHEMAS, REFS_STAC_SCHEMA_CACHE, REFS_PG_URL, ...rest } = process.env;
  env = {
    ...rest,
    HTTP_PROXY: proxy,
    HTTPS_PROXY: proxy,
    http_proxy: proxy,
    https_proxy: proxy,
    NO_PROXY: "",
    no_proxy: "",
    XDG_CACHE_HOME: join(dir, "cache"), // an empty schema cache (npm's own cache is under HOME, untouched)
  };
  const t0 = performance.now();
  refs = await installPacked(join(dir, "user"), env);
  console.log(`npm pack + install of the tarball: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}, 300_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the packed package, installed, offline", () => {
  it("refs --help runs the compiled CLI and lists the commands", () => {
    const help = run(["--help"]);
    expect(help.code, help.err).toBe(0);
    expect(help.out).toMatch(/^usage: refs <command>/);
    for (const command of ["init", "scan", "catalog", "demo", "schemas", "translate"])
      expect(help.out).toMatch(new RegExp(`^  ${command} `, "m"));
    console.log(`refs --help (installed): ${help.seconds.toFixed(2)} s`);
  });

  it("runs the demo with no network: every phase done, schema validation skipped and said so", () => {
    const workdir = join(dir, "demo");
    const demo = run(["demo", "--no-serve", "--days", "1", "--workdir", workdir]);
    console.log(`refs demo --no-serve --days 1 (installed, offline): ${demo.seconds.toFixed(1)} s`);
    expect(demo.code, demo.err.slice(-3000)).toBe(0);
    // a clean run's validate step has nothing to warn about (the COG's generated X/Y/spatial_ref are checked)
    expect(demo.err.split("\n").filter((l) => l.startsWith("WARNING"))).toEqual([]);
    for (const project of ["era5-demo", "dem-demo"]) {
      const status = run(["status", project, "--workdir", workdir, "--json"]);
      expect(status.code, status.err).toBe(0);
      const phases = (JSON.parse(status.out) as { phases: PhaseStatus[] }).phases;
      expect(phases.map((p) => `${p.phase} ${p.state}`)).toEqual([
        "scan done",
        "validate done",
        "compute done",
        "catalog done",
      ]);
      const catalog = phases.find((p) => p.phase === "catalog");
      const warning = catalog?.warnings?.find((w) => w.startsWith("schema validation skipped: "));
      expect(warning, JSON.stringify(catalog)).toBeDefined();
      // the reason names the cache and the refused proxy: one quick failed attempt, not a wait for timeouts
      expect(warning).toContain(join(dir, "cache", "refs", "stac-schemas"));
      expect(warning).toContain(`through proxy ${proxy}`);
      expect(warning).toMatch(/ECONNREFUSED/);
    }
    // The demo alone takes about 25 s on a quiet machine: room for a loaded one.
  }, 300_000);
});
