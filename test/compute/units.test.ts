import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ComputeConfigError } from "../../compute/errors.js";
import { LocalOutput, objectStoreOutput } from "../../compute/io/output.js";
import type { Progress } from "../../compute/progress.js";
import { computeProject } from "../../compute/run.js";
import { timePartitionOf } from "../../compute/unit-files.js";
import { k8sJobManifest } from "../../compute/units/k8s.js";
import { planUnits } from "../../compute/units/plan.js";
import { inShard, parseShard, shardFromEnv } from "../../compute/units/shard.js";
import { MemoryStore } from "../../refs/storage/memory-store.js";
import ioFor, { CONFIGS } from "./helpers/io-module.js";
import { snapshot } from "./helpers/snapshot.js";

describe("work units", () => {
  it("align with chunks, block by block with time inside, and name themselves t{k}_y{i}_x{j}", () => {
    const units = planUnits({
      nt: 5,
      ny: 10,
      nx: 7,
      chunks: { t: 2, y: 4, x: 7 },
      perUnit: { t: 1, y: 1, x: 1 },
    });
    expect(units.map((u) => u.id)).toEqual([
      "t0_y0_x0",
      "t1_y0_x0",
      "t2_y0_x0",
      "t0_y1_x0",
      "t1_y1_x0",
      "t2_y1_x0",
      "t0_y2_x0",
      "t1_y2_x0",
      "t2_y2_x0",
    ]);
    expect(units[2]?.time).toEqual([4, 5]);
    expect(units[8]?.block).toEqual({ y0: 8, y1: 10, x0: 0, x1: 7 });
    const merged = planUnits({ ny: 10, nx: 10, chunks: { t: 1, y: 2, x: 2 }, perUnit: { t: 1, y: 2, x: 5 } });
    expect(merged.map((u) => u.id)).toEqual(["y0_x0", "y1_x0", "y2_x0"]);
  });

  it("shards split units k mod N: disjoint and complete", () => {
    const items = Array.from({ length: 11 }, (_, i) => i);
    const parts = [0, 1, 2].map((index) => inShard(items, { index, count: 3 }));
    expect(parts.flat().sort((a, b) => a - b)).toEqual(items);
    expect(parts[1]).toEqual([1, 4, 7, 10]);
  });

  it("parses --shard i/N and Kubernetes Indexed Job variables, with clear errors", () => {
    expect(parseShard("2/5")).toEqual({ index: 2, count: 5 });
    expect(() => parseShard("5/5")).toThrow(ComputeConfigError);
    expect(() => parseShard("two")).toThrow(/i\/N/);
    expect(shardFromEnv({})).toBeUndefined();
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: "3", JOB_COMPLETIONS: "4" })).toEqual({ index: 3, count: 4 });
    expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: "3" })).toThrow(/JOB_COMPLETIONS/);
  });

  it("names time partitions by day, month or year in UTC", () => {
    const ms = Date.UTC(2022, 0, 31, 23, 30);
    expect(timePartitionOf(ms, "day")).toEqual(["date", "2022-01-31"]);
    expect(timePartitionOf(ms, "month")).toEqual(["month", "2022-01"]);
    expect(timePartitionOf(ms, "year")).toEqual(["year", "2022"]);
    expect(timePartitionOf(ms, "none")).toBeUndefined();
  });

  it("refuses to wipe from one shard of many", async () => {
    const io = await ioFor({ name: "coarse", root: "/nonexistent-refs-test" });
    await expect(
      computeProject(io, { variables: ["pr"], resolution: 4 }, { wipe: true, shard: { index: 0, count: 2 } }),
    ).rejects.toThrow(/wipe once without a shard/);
  });

  it("prints an Indexed Job whose pods get their index and the completion count", () => {
    const job = JSON.parse(
      k8sJobManifest({
        project: "ERA5_tp",
        image: "ghcr.io/x/refs:1",
        pvc: "refs-data",
        completions: 8,
        parallelism: 4,
        cpu: "2",
        memory: "4Gi",
      }),
    );
    expect(job.kind).toBe("Job");
    expect(job.spec).toMatchObject({ completionMode: "Indexed", completions: 8, parallelism: 4 });
    const container = job.spec.template.spec.containers[0];
    expect(container.command).toEqual([
      "refs",
      "compute",
      "ERA5_tp",
      "--serial",
      "--workdir",
      "/refs-projects",
    ]);
    expect(job.spec.template.spec.volumes).toEqual([
      { name: "workdir", persistentVolumeClaim: { claimName: "refs-data" } },
    ]);
    expect(container.volumeMounts).toEqual([{ name: "workdir", mountPath: "/refs-projects" }]);
    expect(container.env).toContainEqual({ name: "JOB_COMPLETIONS", value: "8" });
    expect(container.resources.limits).toEqual({ cpu: "2", memory: "4Gi" });
    expect(job.metadata.name).toBe("refs-compute-era5-tp");
  });
});

describe("output through a refs/storage ObjectStore", () => {
  it("writes the same objects as the local output, skips on rerun, reports progress", async () => {
    const root = await mkdtemp(join(tmpdir(), "refs-compute-"));
    try {
      const local = await ioFor({ name: "coarse", root });
      const config = { ...CONFIGS.coarse, variables: [...CONFIGS.coarse.variables] };
      await computeProject(local, config, { mappingThreads: 0 });
      const store = new MemoryStore();
      const output = objectStoreOutput(store, "memory://bucket/era5/h3");
      const progress: Progress[] = [];
      const summary = await computeProject({ ...local, output }, config, {
        mappingThreads: 0,
        onProgress: (p) => progress.push(p),
      });
      const want = await snapshot(root);
      const got: Record<string, string> = {};
      for (const path of await output.list("")) {
        const bytes = (await output.read(path)) as Uint8Array;
        if (path.endsWith(".json")) {
          const r = JSON.parse(new TextDecoder().decode(bytes));
          delete r.finishedAt;
          got[path] = JSON.stringify(r);
        } else got[path] = createHash("sha256").update(bytes).digest("hex");
      }
      expect(got).toEqual(want);
      expect(await output.read("nope.json")).toBeUndefined();
      expect(progress.length).toBe(summary.unitsRun);
      const last = progress.at(-1) as Progress;
      expect(last).toMatchObject({
        unitsDone: summary.unitsRun,
        unitsTotal: summary.unitsTotal,
        rows: summary.rows,
      });
      expect(last.valuesPerSecond).toBeGreaterThan(0);
      expect(last.etaSeconds).toBe(0);
      expect(progress[0]?.etaSeconds).toBeGreaterThan(0);
      const again = await computeProject({ ...local, output }, config, { mappingThreads: 0 });
      expect(again.unitsRun).toBe(0);
      expect(new LocalOutput(root).root).toBe(root);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
