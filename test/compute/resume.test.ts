import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { computeProject } from "../../compute/run.js";
import { bruteSample } from "./helpers/brute.js";
import { expectOutputEquals } from "./helpers/compare.js";
import { datasetSql, duckQuery } from "./helpers/duck.js";
import ioFor, { caseOf } from "./helpers/io-module.js";
import { snapshot } from "./helpers/snapshot.js";

const child = fileURLToPath(new URL("./helpers/child.ts", import.meta.url));
const ioModuleUrl = new URL("./helpers/io-module.ts", import.meta.url).href;
const config = { variables: ["tp", "t2m"], resolution: 2 };

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "refs-compute-"));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function runChild(args: string[], env: Record<string, string> = {}) {
  const proc = spawn(process.execPath, ["--import", "tsx", child, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  proc.stderr.on("data", (d) => {
    stderr += String(d);
  });
  const done = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  return { proc, done, stderr: () => stderr };
}

let clean: Record<string, string> | undefined;
async function cleanRun(): Promise<Record<string, string>> {
  if (!clean) {
    const root = await tempDir();
    await computeProject(await ioFor({ name: "hourly", root }), config, { mappingThreads: 0 });
    clean = await snapshot(root);
  }
  return clean;
}

describe("resuming and sharding", { timeout: 120_000 }, () => {
  it("a rerun skips completed units; wipe starts over", async () => {
    const root = await tempDir();
    const io = await ioFor({ name: "hourly", root });
    const first = await computeProject(io, config, { mappingThreads: 0 });
    expect(first.unitsRun).toBe(first.unitsTotal);
    const again = await computeProject(io, config, { mappingThreads: 0 });
    expect(again.unitsRun).toBe(0);
    expect(again.unitsAlreadyDone).toBe(first.unitsTotal);
    await expect(computeProject(io, { ...config, resolution: 1 })).rejects.toThrow(/another configuration/);
    const wiped = await computeProject(io, { ...config, resolution: 1 }, { wipe: true, mappingThreads: 0 });
    expect(wiped.unitsRun).toBe(wiped.unitsTotal);
    const cells = await duckQuery(datasetSql(root, "count(*) AS n"));
    expect(Number(cells[0]?.n)).toBe(wiped.rows);
  });

  it("SIGKILL mid-run, then rerun: identical to a clean run", async () => {
    const root = await tempDir();
    const run = runChild(["hourly", root, "150"]);
    // Wait until some, but not all, units have recorded completion.
    const total =
      (await cleanRun()) && Object.keys(clean ?? {}).filter((p) => p.startsWith("_units/")).length;
    for (;;) {
      const records = await readdir(join(root, "_units")).catch(() => [] as string[]);
      const n = records.filter((f) => f.endsWith(".json")).length;
      if (n >= 2) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    run.proc.kill("SIGKILL");
    await run.done;
    const partial = await snapshot(root);
    const partialRecords = Object.keys(partial).filter((p) => p.startsWith("_units/")).length;
    expect(partialRecords).toBeGreaterThan(0);
    expect(partialRecords).toBeLessThan(total);
    const rerun = await computeProject(await ioFor({ name: "hourly", root }), config, { mappingThreads: 0 });
    expect(rerun.unitsAlreadyDone).toBe(partialRecords);
    expect(await snapshot(root)).toEqual(await cleanRun());
  }, 180_000);

  it("SIGKILL while split partitions are being written, at several points; each rerun: the clean output", async () => {
    const split = { maxRowsPerFile: 40 };
    const cleanRoot = await tempDir();
    await computeProject(
      await ioFor({ name: "hourly", root: cleanRoot }),
      { ...config, ...split },
      { mappingThreads: 0 },
    );
    const want = await snapshot(cleanRoot);
    const dataFiles = Object.keys(want).filter((p) => p.endsWith(".parquet")).length;
    // every data file has its rollup beside it, and there is no other rollup
    expect(Object.keys(want).filter((p) => p.endsWith(".rollup"))).toEqual(
      Object.keys(want)
        .filter((p) => p.endsWith(".parquet"))
        .map((p) => `${p}.rollup`),
    );
    expect(dataFiles).toBeGreaterThan(2 * Object.keys(want).filter((p) => p.startsWith("_units/")).length);
    for (const killAt of [1, Math.floor(dataFiles / 3), Math.floor((2 * dataFiles) / 3)]) {
      const root = await tempDir();
      const run = runChild(["hourly", root, "0", JSON.stringify(split)]);
      for (;;) {
        const files = await readdir(root, { recursive: true }).catch(() => [] as string[]);
        if (files.filter((f) => f.endsWith(".parquet")).length >= killAt) break;
        await new Promise((r) => setTimeout(r, 2));
      }
      run.proc.kill("SIGKILL");
      await run.done;
      const killed = await snapshot(root);
      expect(Object.keys(killed).filter((p) => p.startsWith("_units/")).length).toBeLessThan(
        Object.keys(want).filter((p) => p.startsWith("_units/")).length,
      );
      // a recorded unit's files are all there, each data file with its rollup, byte for byte the clean run's
      for (const [p, text] of Object.entries(killed)) {
        if (!p.startsWith("_units/")) continue;
        for (const f of (JSON.parse(text) as { files: { path: string; rollup?: { path: string } }[] })
          .files) {
          expect(f.rollup?.path).toBe(`${f.path}.rollup`);
          for (const path of [f.path, f.rollup!.path]) expect(killed[path], path).toBe(want[path]);
        }
      }
      await computeProject(
        await ioFor({ name: "hourly", root }),
        { ...config, ...split },
        { mappingThreads: 0 },
      );
      const after = await snapshot(root);
      // temporary files of the killed write are never read (not *.parquet); everything else is the clean run's
      for (const p of Object.keys(after)) if (p.endsWith(".tmp")) delete after[p];
      expect(after, `killed at ${killAt} files`).toEqual(want);
    }
  }, 180_000);

  it("three processes with JOB_COMPLETION_INDEX=0..2 produce exactly the single-process output", async () => {
    const root = await tempDir();
    const runs = [0, 1, 2].map((i) =>
      runChild(["hourly", root], { JOB_COMPLETION_INDEX: String(i), JOB_COMPLETIONS: "3" }),
    );
    const codes = await Promise.all(runs.map((r) => r.done));
    expect(codes, runs.map((r) => r.stderr()).join("\n")).toEqual([0, 0, 0]);
    expect(await snapshot(root)).toEqual(await cleanRun());
  }, 180_000);

  it("worker threads (units on 2 threads, ioModule) produce exactly the serial output, equal to brute force", async () => {
    const root = await tempDir();
    const cacheDir = await tempDir();
    const summary = await computeProject(await ioFor({ name: "hourly", root }), config, {
      workers: 2,
      ioModule: { url: ioModuleUrl, args: { name: "hourly", root, cacheDir } },
    });
    expect(summary.unitsRun).toBe(summary.unitsTotal);
    expect(await snapshot(root)).toEqual(await cleanRun());
    const c = caseOf("hourly");
    // 4-degree pixels are larger than resolution-2 cells: every cell of the globe samples the pixel under it.
    expect(summary.method).toBe("sample");
    const axes = { lat0: 88, dlat: -4, lon0: 0, dlon: 4 };
    const expected = bruteSample(c.truth, 2, axes, true);
    await expectOutputEquals(root, "h2", ["tp", "t2m"], expected, { float32: [false, true] });
    // Mappings were cached on disk, one per block.
    expect((await readdir(cacheDir)).filter((f) => f.endsWith(".cells")).length).toBe(2 * 2);
  });

  it("mapping on worker threads and from the disk cache equals the in-thread mapping", async () => {
    const cacheDir = await tempDir();
    for (const pass of ["threads", "cached"]) {
      const root = await tempDir();
      await computeProject(await ioFor({ name: "hourly", root, cacheDir }), config, {
        mappingThreads: 2,
        minPixelsForWorkers: 0,
      });
      expect(await snapshot(root), pass).toEqual(await cleanRun());
    }
  });
});
