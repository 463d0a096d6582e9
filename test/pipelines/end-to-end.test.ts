/**
 * The whole job as a user runs it, through the `refs` executable on generated data in a temporary workdir:
 * init -> scan -> validate -> compute -> catalog -> `refs serve` and a search over HTTP, with one corrupt source
 * file (reported by `refs status`, exit 3 = partial, the others finished), a compute run killed with SIGKILL and
 * resumed (nothing lost or duplicated: the same output as a clean run), then every phase re-run, one by one and
 * through `refs run` (nothing redone). Assertions read the commands' --json summaries.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ITEM_ASSETS_EXTENSION, XARRAY_ASSETS_EXTENSION } from "../../catalog-api/stac/extensions.js";
import { writeEra5Like } from "../../pipelines/demo/era5-like.js";
import { Workspace } from "../../pipelines/project/workspace.js";
import type { PhaseStatus } from "../../pipelines/status/phase-status.js";
import { datasetSql, duckQuery } from "../compute/helpers/duck.js";
import { snapshot } from "../compute/helpers/snapshot.js";
import { writeTestStacSchemas } from "./helpers/stac-schemas.js";

const root = resolve(import.meta.dirname, "..", "..");
const bin = join(root, "bin", "refs.js");
let workdir: string;
let ws: Workspace;
let env: NodeJS.ProcessEnv;
let cleanOutput: Record<string, string>;
let catalogItems: number;
let computeUnits: number;

interface Run {
  code: number | null;
  out: string;
  err: string;
}

/** `refs <args...>` as a process, with the test's workdir and schemas. */
function refs(...args: string[]): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (b) => (out += b));
    child.stderr.on("data", (b) => (err += b));
    child.on("error", fail);
    child.on("close", (code) => done({ code, out, err }));
  });
}

/** `refs <args...> --json`, parsed; the exit code must be `code`. */
async function refsJson<T>(code: number, ...args: string[]): Promise<T> {
  const r = await refs(...args, "--json");
  expect(r.code, `refs ${args.join(" ")}\n${r.err}`).toBe(code);
  return JSON.parse(r.out) as T;
}

async function unitRecords(): Promise<number> {
  return (await readdir(join(ws.computeDir, "_units")).catch(() => [] as string[])).filter((f) =>
    f.endsWith(".json"),
  ).length;
}

interface FeatureCollection {
  features: { id: string; properties: Record<string, unknown> }[];
}

interface ComputeJson {
  status: PhaseStatus;
  summary: { unitsRun: number; unitsAlreadyDone: number; rows: number };
}

beforeAll(async () => {
  workdir = await mkdtemp(join(tmpdir(), "refs-e2e-"));
  const data = join(workdir, "data");
  await writeEra5Like({
    dir: data,
    days: 3,
    latNorth: 50,
    latSouth: 40,
    lonWest: 0,
    lonEast: 10,
    step: 0.5,
    chunks: [2, 11, 11],
  });
  // Sorts second, so it is among the sampled files: HDF5's magic number, then garbage.
  const corrupt = new Uint8Array(4096).map((_, i) => (i * 7919) % 251);
  corrupt.set([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
  await writeFile(join(data, "era5_tp_2022-01-01x.nc"), corrupt);
  // Schemas written by the test: no network, and no dependence on ../shared being present.
  const schemas = await writeTestStacSchemas(join(workdir, "stac-schemas"));
  env = { ...process.env, REFS_WORKDIR: workdir, REFS_STAC_SCHEMAS: schemas, REFS_PG_URL: "" };
  ws = new Workspace(workdir, "e2e");
});

afterAll(async () => {
  await rm(workdir, { recursive: true, force: true });
});

describe("the whole job through the refs command, end to end", () => {
  it("init from a --source glob finds the four files", async () => {
    const init = await refsJson<{ created: { name: string; files: number }[] }>(
      0,
      "init",
      "e2e",
      "--source",
      join(workdir, "data", "*.nc"),
      "--resolution",
      "5",
    );
    expect(init.created).toMatchObject([{ name: "e2e", files: 4 }]);
    // chunks are small: keep them referenced (not inlined), so validation reads the files
    const config = JSON.parse(await readFile(ws.configFile, "utf8"));
    config.references.inlineThreshold = 0;
    await writeFile(ws.configFile, JSON.stringify(config, null, 2));
  }, 30_000);

  it("scan: exit 3 (partial), the corrupt file named, the others scanned and combined", async () => {
    const scan = await refsJson<{ status: PhaseStatus; references: { concatDims: string[] } }>(
      3,
      "scan",
      "e2e",
    );
    expect(scan.status.state).toBe("partial");
    expect(scan.status.counts).toMatchObject({ total: 4, done: 3, skipped: 0, failed: 1 });
    expect(scan.status.failures[0]?.item).toContain("era5_tp_2022-01-01x.nc");
    expect(scan.references.concatDims).toEqual(["time"]);
  }, 60_000);

  it("validate: values through the references equal the files read directly", async () => {
    const v = await refsJson<{ status: PhaseStatus; report: { summary: { failure: number } } }>(
      0,
      "validate",
      "e2e",
    );
    expect(v.report.summary.failure).toBe(0);
    expect(v.status.state).toBe("done");
    expect(v.status.details?.report).toBe("new");
  }, 60_000);

  it("compute: DuckDB reads every hour of the three days from the H3 table", async () => {
    const c = await refsJson<ComputeJson>(0, "compute", "e2e");
    expect(c.status.state).toBe("done");
    expect(c.summary.rows).toBeGreaterThan(0);
    computeUnits = c.status.counts.total;
    const [row] = await duckQuery(
      `SELECT count(*) AS n, count(DISTINCT time) AS hours, typeof(any_value(h5)) AS cell FROM (${datasetSql(ws.computeDir)})`,
    );
    expect(Number(row?.n)).toBe(c.summary.rows);
    expect(Number(row?.hours)).toBe(72);
    expect(row?.cell).toBe("UBIGINT");
    cleanOutput = await snapshot(ws.computeDir);
  }, 60_000);

  it("catalog, then refs serve: a search over HTTP by time and by H3 cell", async () => {
    const cat = await refsJson<{ status: PhaseStatus; items: number }>(0, "catalog", "e2e");
    expect(cat.status.state).toBe("done");
    // declared, but the test's schema folder has no copy: said in the status, not silently passed
    expect(cat.status.details?.["extension schemas not checked"]).toBe(
      [ITEM_ASSETS_EXTENSION, XARRAY_ASSETS_EXTENSION].sort().join(" "),
    );
    const parquetFiles = Object.keys(cleanOutput).filter((p) => p.endsWith(".parquet")).length;
    expect(cat.items).toBe(parquetFiles + 1); // one per Parquet file, one for the references
    catalogItems = cat.items;
    await withServer(async (base) => {
      const day2 = await getJson<FeatureCollection>(
        `${base}/search?collections=e2e&datetime=2022-01-02T00:00:00Z/2022-01-02T23:59:59Z&limit=500`,
      );
      const partitions = day2.features.filter((f) => !f.id.endsWith("references"));
      expect(partitions.length).toBeGreaterThan(0);
      // a partition's file spans its time window (the days of the series): each found one meets 2022-01-02
      for (const f of partitions) {
        const p = f.properties as Record<string, string | undefined>;
        expect(String(p.start_datetime ?? p.datetime) <= "2022-01-02T23:59:59Z").toBe(true);
        expect(String(p.end_datetime ?? p.datetime) >= "2022-01-02T00:00:00Z").toBe(true);
      }
      const cell = (partitions[0]?.properties["h3:cells"] as string[] | undefined)?.[0];
      expect(cell).toBeDefined();
      const byCell = await getJson<FeatureCollection>(`${base}/search?collections=e2e&h3=${cell}&limit=500`);
      expect(byCell.features.map((f) => f.id)).toContain(partitions[0]?.id);
      const refsItem = await getJson<{ assets: { references: { href: string } } }>(
        `${base}/collections/e2e/items/e2e-references`,
      );
      expect(existsSync(fileURLToPath(refsItem.assets.references.href))).toBe(true);
    });
  }, 60_000);

  it("refs status: scan partial with the corrupt file named, every other phase done, exit 3", async () => {
    const s = await refsJson<{ phases: PhaseStatus[] }>(3, "status", "e2e");
    expect(Object.fromEntries(s.phases.map((p) => [p.phase, p.state]))).toEqual({
      scan: "partial",
      validate: "done",
      compute: "done",
      catalog: "done",
    });
    expect(s.phases[0]?.failures.map((f) => f.item).join()).toContain("era5_tp_2022-01-01x.nc");
    const text = await refs("status", "e2e");
    expect(text.out).toMatch(/scan\s+partial .*1 failed of 4/);
    expect(text.out).toContain("failed: ");
  }, 30_000);

  it("compute killed mid-way with SIGKILL, then rerun: the same output as the clean run", async () => {
    const total = computeUnits;
    expect(total).toBeGreaterThan(3);
    await rm(ws.computeDir, { recursive: true, force: true });
    // every unit alone (--group-rows 0): each records itself as it ends, so the kill lands between records
    // (grouped units record in one burst at their group's end, which a small demo reaches before the kill)
    const child = spawn(process.execPath, [bin, "compute", "e2e", "-q", "--group-rows", "0"], {
      env,
      stdio: "ignore",
    });
    const exited = new Promise<void>((done) => child.on("exit", () => done()));
    for (let i = 0; i < 6000 && child.exitCode === null; i++) {
      await new Promise((r) => setTimeout(r, 10));
      if ((await unitRecords()) >= 3) break;
    }
    child.kill("SIGKILL");
    await exited;
    const killedAt = await unitRecords();
    expect(killedAt).toBeGreaterThanOrEqual(3);
    expect(killedAt).toBeLessThan(total);
    const c = await refsJson<ComputeJson>(0, "compute", "e2e");
    expect(c.summary.unitsAlreadyDone).toBeGreaterThanOrEqual(killedAt);
    expect(c.summary.unitsRun).toBe(total - c.summary.unitsAlreadyDone);
    expect(await snapshot(ws.computeDir)).toEqual(cleanOutput);
  }, 120_000);

  it("every phase re-run: nothing redone, nothing duplicated", async () => {
    const scan = await refsJson<{ status: PhaseStatus; references: { reused: boolean } }>(3, "scan", "e2e");
    expect(scan.status.counts).toMatchObject({ done: 0, skipped: 3, failed: 1 });
    expect(scan.references.reused).toBe(true);
    const v = await refsJson<{ status: PhaseStatus }>(0, "validate", "e2e");
    expect(v.status.details?.report).toBe("reused");
    const c = await refsJson<ComputeJson>(0, "compute", "e2e");
    expect(c.summary.unitsRun).toBe(0);
    expect(c.status.counts.skipped).toBe(c.status.counts.total);
    // catalog is rebuilt from the outputs every time (cheap: it reads Parquet footers) and replaces the
    // collection's items in the store: the same items, none twice
    const cat = await refsJson<{ items: number }>(0, "catalog", "e2e");
    expect(cat.items).toBe(catalogItems);
    // refs run: all four phases, the same skips; exit 3 because scan stays partial (the corrupt file)
    const run = await refsJson<{ phases: PhaseStatus[] }>(3, "run", "e2e");
    expect(run.phases.map((p) => [p.phase, p.state])).toEqual([
      ["scan", "partial"],
      ["validate", "done"],
      ["compute", "done"],
      ["catalog", "done"],
    ]);
    expect(run.phases[0]?.counts).toMatchObject({ done: 0, skipped: 3, failed: 1 });
    expect(run.phases[1]?.details?.report).toBe("reused");
    expect(run.phases[2]?.counts.skipped).toBe(run.phases[2]?.counts.total);
    expect(run.phases[3]?.counts.done).toBe(catalogItems);
    expect(await snapshot(ws.computeDir)).toEqual(cleanOutput);
    await withServer(async (base) => {
      const all = await getJson<FeatureCollection>(`${base}/collections/e2e/items?limit=1000`);
      expect(all.features.length).toBe(catalogItems);
      expect(new Set(all.features.map((f) => f.id)).size).toBe(catalogItems);
    });
  }, 120_000);
});

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  expect(response.status, url).toBe(200);
  return (await response.json()) as T;
}

/** `refs serve` on a free port as its own process, for the length of `body`. */
async function withServer(body: (base: string) => Promise<void>): Promise<void> {
  const child: ChildProcess = spawn(
    process.execPath,
    [bin, "serve", "--workdir", workdir, "--port", "0", "--processes", "1"],
    { env, stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  try {
    const base = await new Promise<string>((done, fail) => {
      let out = "";
      let err = "";
      child.stdout?.on("data", (b) => {
        out += b;
        const m = /STAC API at (http:\/\/\S+?)\/? /.exec(out);
        if (m?.[1]) done(m[1]);
      });
      child.stderr?.on("data", (b) => (err += b));
      child.on("exit", (code) => fail(new Error(`refs serve exited ${code}: ${err}`)));
    });
    await body(base);
  } finally {
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  }
}
