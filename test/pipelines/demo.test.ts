/**
 * The README's first command, as a script runs it: `refs demo --workdir DIR --no-serve` as a process. Every phase
 * of both projects (the ERA5-like NetCDF4 series and the DEM-like COG) must end done, the printed Python/DuckDB
 * examples must name the real outputs (the DuckDB one is run as printed), and a demo whose phase fails must exit
 * non-zero. The wall time is printed, not asserted (it depends on the machine's load).
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PhaseStatus } from "../../pipelines/status/phase-status.js";
import { duckQuery } from "../compute/helpers/duck.js";
import { writeTestStacSchemas } from "./helpers/stac-schemas.js";

const bin = resolve(import.meta.dirname, "..", "..", "bin", "refs.js");
let dir: string;
let env: NodeJS.ProcessEnv;

function refs(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  return new Promise<{ code: number | null; out: string; err: string }>((done, fail) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...env, ...extraEnv },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (b) => (out += b));
    child.stderr.on("data", (b) => (err += b));
    child.on("error", fail);
    child.on("close", (code) => done({ code, out, err }));
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "refs-demo-"));
  // no network, no ../shared: the catalog phase validates against schemas written by the test
  env = {
    ...process.env,
    REFS_STAC_SCHEMAS: await writeTestStacSchemas(join(dir, "schemas")),
    REFS_PG_URL: "",
  };
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("refs demo --no-serve", () => {
  it("runs every phase of both projects, exits 0 and prints examples with the real paths", async () => {
    const workdir = join(dir, "demo");
    const t0 = performance.now();
    const demo = await refs(["demo", "--workdir", workdir, "--no-serve"]);
    const seconds = (performance.now() - t0) / 1000;
    console.log(`refs demo --no-serve: ${seconds.toFixed(1)} s wall (process start included)`);
    expect(demo.code, demo.err).toBe(0);
    // a clean run warns about nothing (the COG's generated X/Y/spatial_ref are checked, not "not compared")
    expect(demo.err.split("\n").filter((l) => /^WARNING|: WARNING /.test(l))).toEqual([]);
    for (const project of ["era5-demo", "dem-demo"]) {
      const status = await refs(["status", project, "--workdir", workdir, "--json"]);
      expect(status.code, status.err).toBe(0);
      const phases = (JSON.parse(status.out) as { phases: PhaseStatus[] }).phases;
      expect(phases.map((p) => `${p.phase} ${p.state}`)).toEqual([
        "scan done",
        "validate done",
        "compute done",
        "catalog done",
      ]);
      expect(phases[0]?.counts.done).toBeGreaterThan(0);
    }
    expect(demo.out).not.toContain("<project>");
    const fo = /"fo": "([^"]+)"/.exec(demo.out)?.[1];
    expect(fo).toBe(join(workdir, "era5-demo", "references", "refs.json"));
    const refsJson = JSON.parse(await readFile(fo as string, "utf8")) as { refs: Record<string, unknown> };
    expect(Object.keys(refsJson.refs)).toContain("tp/.zarray");
    // the DuckDB example, run as printed: a row per hour and cell of the three days
    const sql = /duckdb\.sql\("(.+)"\)/.exec(demo.out)?.[1];
    expect(sql).toContain(join(workdir, "era5-demo", "h3"));
    const rows = await duckQuery(
      (sql as string).replace(/LIMIT 5$/, "").replace("SELECT *", "SELECT count(DISTINCT time) AS hours"),
    );
    expect(Number(rows[0]?.hours)).toBe(72);
  }, 240_000);

  it("exits non-zero, naming the phase, when a phase fails", async () => {
    const workdir = join(dir, "broken");
    // the API's SQLite file cannot be opened (a folder stands in its place): the catalog phase fails, so must the demo
    await mkdir(join(workdir, "catalog.sqlite"), { recursive: true });
    const demo = await refs(["demo", "--workdir", workdir, "--no-serve", "--days", "1"]);
    expect(demo.code).toBe(1);
    expect(demo.err).toMatch(/^refs demo: .*catalog\.sqlite/m);
    expect(demo.err).not.toContain("every phase of both projects done");
    expect(demo.out).not.toContain("From Python");
    const status = await refs(["status", "era5-demo", "--workdir", workdir, "--json"]);
    expect(status.code).toBe(1);
    const phases = (JSON.parse(status.out) as { phases: PhaseStatus[] }).phases;
    expect(phases.map((p) => `${p.phase} ${p.state}`)).toEqual([
      "scan done",
      "validate done",
      "compute done",
      "catalog failed",
    ]);
  }, 240_000);
});
