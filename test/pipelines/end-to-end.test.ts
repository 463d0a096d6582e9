/**
 * The whole job on generated data in a temporary workdir: init -> scan -> validate -> compute -> catalog -> search,
 * with one corrupt source file (reported, the others finished), a compute run killed with SIGKILL and resumed
 * (nothing lost or duplicated), and every phase re-run (nothing redone).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../catalog-api/api/app.js";
import { SqliteStore } from "../../catalog-api/backend/sqlite-store.js";
import { writeEra5Like } from "../../pipelines/demo/era5-like.js";
import { catalogPhase } from "../../pipelines/phases/catalog/catalog-phase.js";
import { computePhase } from "../../pipelines/phases/compute/compute-phase.js";
import { scanPhase } from "../../pipelines/phases/scan/scan-phase.js";
import { validatePhase } from "../../pipelines/phases/validate-phase.js";
import { defaultConfig } from "../../pipelines/project/config.js";
import { Workspace } from "../../pipelines/project/workspace.js";
import { readStatus } from "../../pipelines/status/phase-status.js";
import { datasetSql, duckQuery } from "../compute/helpers/duck.js";
import { snapshot } from "../compute/helpers/snapshot.js";
import { haveFixtures } from "../fixtures.js";

interface RefsItem {
  assets: { references: { href: string; "xarray:open_kwargs": { storage_options: { fo: string } } } };
}

const root = resolve(import.meta.dirname, "..", "..");
const schemasDir = process.env.REFS_STAC_SCHEMAS ?? resolve(root, "..", "shared", "stac-schemas");
const quiet = { quiet: true };
let workdir: string;
let ws: Workspace;
let cleanOutput: Record<string, string>;

interface FeatureCollection {
  features: { id: string; properties: Record<string, unknown> }[];
}

async function search(app: ReturnType<typeof createApp>, path: string): Promise<FeatureCollection> {
  const response = await app.request(path);
  expect(response.status).toBe(200);
  return (await response.json()) as FeatureCollection;
}

async function unitRecords(): Promise<number> {
  return (await readdir(join(ws.computeDir, "_units")).catch(() => [] as string[])).filter((f) =>
    f.endsWith(".json"),
  ).length;
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
  ws = new Workspace(workdir, "e2e");
  const config = defaultConfig("e2e", [join(data, "*.nc")]);
  config.compute.resolution = 5;
  config.references.inlineThreshold = 0; // chunks are small: keep them referenced, so validation reads the files
  await ws.saveConfig(config);
});

afterAll(async () => {
  await rm(workdir, { recursive: true, force: true });
});

describe("the whole job, end to end", () => {
  it("scan: the corrupt file is reported by name, the others are scanned and combined", async () => {
    const { status, combined } = await scanPhase(ws, quiet);
    expect(status.state).toBe("partial");
    expect(status.counts).toMatchObject({ total: 4, done: 3, failed: 1 });
    expect(status.failures[0]?.item).toContain("era5_tp_2022-01-01x.nc");
    expect(combined?.concatDims).toEqual(["time"]);
    expect((await readStatus(ws, "scan")).state).toBe("partial");
  });

  it("validate: values read through the combined references equal the files read directly", async () => {
    const { status, report } = await validatePhase(ws, quiet);
    expect(report.summary.failure, JSON.stringify(report.variables)).toBe(0);
    const tp = report.variables.filter((f) => f.subject === "tp");
    expect(tp.length, JSON.stringify(report.variables)).toBe(3);
    for (const f of tp) expect(f.status, f.detail).toBe("success");
    expect(status.state).toBe("done");
  });

  it("compute: DuckDB reads the H3 table with the declared types and every hour of the three days", async () => {
    const { status, summary } = await computePhase(ws, quiet);
    expect(status.state).toBe("done");
    expect(summary?.rows).toBeGreaterThan(0);
    const [row] = await duckQuery(
      `SELECT count(*) AS n, count(DISTINCT time) AS hours, min(time)::VARCHAR AS first, typeof(any_value(h5)) AS cell FROM (${datasetSql(ws.computeDir)})`,
    );
    expect(Number(row?.n)).toBe(summary?.rows);
    expect(Number(row?.hours)).toBe(72);
    expect(String(row?.first)).toMatch(/^2022-01-01 00:00:00/);
    expect(row?.cell).toBe("UBIGINT");
    cleanOutput = await snapshot(ws.computeDir);
  });

  it("compute killed mid-way with SIGKILL, then rerun: the same output as the clean run", async () => {
    const total = (await readStatus(ws, "compute")).counts.total;
    await rm(ws.computeDir, { recursive: true, force: true });
    const cli = [join(root, "bin", "refs.js"), "compute", "e2e", "-q", "--workdir", workdir];
    const child = spawn(process.execPath, cli, { stdio: "ignore" });
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    // Wait for a few finished units, then kill.
    for (let i = 0; i < 6000 && child.exitCode === null; i++) {
      await new Promise((r) => setTimeout(r, 10));
      if ((await unitRecords()) >= 3) break;
    }
    child.kill("SIGKILL");
    await exited;
    const killedAt = await unitRecords();
    expect(killedAt).toBeGreaterThanOrEqual(3);
    expect(killedAt).toBeLessThan(total);
    const { summary } = await computePhase(ws, quiet);
    expect(summary?.unitsAlreadyDone).toBeGreaterThanOrEqual(killedAt);
    expect(summary?.unitsRun).toBe(total - (summary?.unitsAlreadyDone ?? 0));
    expect(await snapshot(ws.computeDir)).toEqual(cleanOutput);
  }, 120_000);

  it.skipIf(!haveFixtures)(
    "catalog: validated items in the API store, searchable by time and H3 cell",
    async () => {
      const { status, items } = await catalogPhase(ws, { ...quiet, schemasDir });
      expect(status.state).toBe("done");
      const files = Object.keys(cleanOutput).filter((p) => p.endsWith(".parquet")).length;
      expect(items).toBe(files + 1);
      const store = new SqliteStore(ws.apiDatabase);
      try {
        const app = createApp({ store });
        const day2 = await search(
          app,
          "/search?collections=e2e&datetime=2022-01-02T00:00:00Z/2022-01-02T23:59:59Z&limit=500",
        );
        const partitions = day2.features.filter((f) => !f.id.endsWith("references"));
        expect(partitions.length).toBeGreaterThan(0);
        for (const f of partitions)
          expect(f.properties.datetime ?? f.properties.start_datetime).toMatch(/^2022-01-02/);
        const cell = (partitions[0]?.properties["h3:cells"] as string[] | undefined)?.[0];
        expect(cell).toBeDefined();
        const byCell = await search(app, `/search?collections=e2e&h3=${cell}&limit=500`);
        expect(byCell.features.length).toBeGreaterThan(0);
        // The references item opens from anywhere: `fo` is the absolute URL of the reference file, in the API and
        // in the static catalog alike (fsspec resolves a relative `fo` against the reader's working directory).
        const served = (await (
          await app.request("/collections/e2e/items/e2e-references")
        ).json()) as RefsItem;
        const asset = served.assets.references;
        const fo = asset["xarray:open_kwargs"].storage_options.fo;
        expect(fo).toBe(asset.href);
        expect(fo.startsWith("file:///")).toBe(true);
        expect(existsSync(fileURLToPath(fo))).toBe(true);
        expect(resolve(fileURLToPath(fo)).startsWith(resolve(ws.referencesDir))).toBe(true);
        const itemFiles = await readdir(join(ws.catalogDir, "e2e", "items"));
        const onDisk = JSON.parse(
          await readFile(
            join(ws.catalogDir, "e2e", "items", itemFiles.find((f) => f.includes("references"))!),
            "utf8",
          ),
        ) as RefsItem;
        expect(onDisk.assets.references["xarray:open_kwargs"].storage_options.fo).toBe(fo);
      } finally {
        await store.close();
      }
    },
  );

  it("every phase re-run: nothing is redone, nothing duplicated", async () => {
    const scan = await scanPhase(ws, quiet);
    expect(scan.status.counts).toMatchObject({ done: 0, skipped: 3, failed: 1 });
    expect(scan.combined?.reused).toBe(true);
    expect((await validatePhase(ws, quiet)).status.state).toBe("done");
    const compute = await computePhase(ws, quiet);
    expect(compute.summary?.unitsRun).toBe(0);
    expect(await snapshot(ws.computeDir)).toEqual(cleanOutput);
    if (!haveFixtures) return;
    const first = await catalogPhase(ws, { ...quiet, schemasDir });
    const store = new SqliteStore(ws.apiDatabase);
    try {
      const all = await search(createApp({ store }), "/collections/e2e/items?limit=1000");
      expect(all.features.length).toBe(first.items);
    } finally {
      await store.close();
    }
  });
});
