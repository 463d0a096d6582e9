import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cellToParent, getBaseCellNumber, getRes0Cells, gridDisk, latLngToCell } from "h3-js";
import { describe, expect, it } from "vitest";
import { chooseResolution } from "../../compute/cells/scale.js";
import { gridFromSpec } from "../../compute/grid/from-spec.js";
import { LocalOutput, objectStoreOutput } from "../../compute/io/output.js";
import type { Progress } from "../../compute/progress.js";
import { computeProject } from "../../compute/run.js";
import { planBlocks, planUnits } from "../../compute/units/plan.js";
import { inShard } from "../../compute/units/shard.js";
import { chooseWindow, timeWindows, windowOf } from "../../compute/units/windows.js";
import { MemoryStore } from "../../refs/storage/memory-store.js";
import ioFor, { CONFIGS } from "./helpers/io-module.js";
import { snapshot } from "./helpers/snapshot.js";

describe("work units", () => {
  it("own whole partitions: h0 cell x window (ids <h0>_<window>), or h0 cells with every window", () => {
    const blocks = planBlocks(10, 20, { y: 4, x: 20 }).map((block, i) => ({
      block,
      // the first block near (0N, 0E), the others near (40S, 120W)
      box:
        i === 0
          ? { south: -1, north: 1, west: -1, east: 1 }
          : { south: -41, north: -39, west: -121, east: -119 },
    }));
    expect(blocks.map((b) => b.block)).toEqual([
      { y0: 0, y1: 4, x0: 0, x1: 20 },
      { y0: 4, y1: 8, x0: 0, x1: 20 },
      { y0: 8, y1: 10, x0: 0, x1: 20 },
    ]);
    const times = Float64Array.from([0, 1, 2, 3], (d) => Date.UTC(2022, 0, 30 + d));
    const windows = timeWindows(times, "day");
    expect(windows.map((w) => [w.dir, w.start, w.stop])).toEqual([
      ["date=2022-01-30", 0, 1],
      ["date=2022-01-31", 1, 2],
      ["date=2022-02-01", 2, 3],
      ["date=2022-02-02", 3, 4],
    ]);
    const units = planUnits(blocks, windows, "partition");
    expect(units.length).toBe(122 * 4);
    const h0 = latLngToCell(0, 0, 0);
    const here = units.filter((u) => u.h0 === h0);
    expect(here.map((u) => u.id)).toEqual(windows.map((w) => `${h0}_${w.value}`));
    expect(here[0]?.blocks).toContainEqual({ y0: 0, y1: 4, x0: 0, x1: 20 });
    // every h0 cell holding a descendant whose centre is on a block's box gets that block
    for (const [lat, lng, block] of [
      [0, 0, 0],
      [-40, -120, 1],
    ] as const) {
      for (const cell of gridDisk(latLngToCell(lat, lng, 5), 3)) {
        const unit = units.find((u) => u.h0 === cellToParent(cell, 0)) as (typeof units)[number];
        expect(unit.blocks).toContainEqual(blocks[block]?.block);
      }
    }
    const far = units.find((u) => u.h0 === latLngToCell(60, 100, 0));
    expect(far?.blocks).toEqual([]);
    const byH0 = planUnits(blocks, windows, "h0");
    expect(byH0.map((u) => u.id)).toEqual(
      [...getRes0Cells()].sort((a, b) => getBaseCellNumber(a) - getBaseCellNumber(b)),
    );
    expect(byH0[0]?.windows).toEqual(windows);
    expect(timeWindows(times, "month").map((w) => w.dir)).toEqual(["month=2022-01", "month=2022-02"]);
    expect(timeWindows(undefined, "none")).toEqual([{ dir: "", value: "", start: 0, stop: 1 }]);
    expect(() =>
      timeWindows(Float64Array.from([times[0] as number, times[3] as number, times[0] as number]), "day"),
    ).toThrow(/not in order/);
  });

  it("chooses the default resolution from the pixel size: the coarsest with cells no larger than a pixel", () => {
    const regular = (step: number) =>
      gridFromSpec({
        kind: "regular",
        lat: Float64Array.from({ length: Math.round(180 / step) }, (_, i) => 90 - step / 2 - i * step),
        lon: Float64Array.from({ length: Math.round(360 / step) }, (_, i) => i * step),
      });
    // 2.5 degrees (about 278 km at the equator, 77,000 km2): resolution 3 (12,400 km2), not 5 (253 km2)
    expect(chooseResolution(regular(2.5)).resolution).toBe(3);
    expect(chooseResolution(regular(2.5)).reason).toMatch(/resolution 3 is the coarsest/);
    // ERA5's 0.25 degrees (772 km2 at the equator): resolution 5
    expect(chooseResolution(regular(0.25)).resolution).toBe(5);
    const utm = gridFromSpec({
      kind: "projected",
      crs: "+proj=utm +zone=33 +datum=WGS84 +units=m +no_defs",
      x0: 500000,
      dx: 30,
      y0: 5000000,
      dy: -30,
      nx: 100,
      ny: 100,
    });
    expect(chooseResolution(utm).resolution).toBe(12);
  });

  it("shards split units k mod N: disjoint and complete", () => {
    const items = Array.from({ length: 11 }, (_, i) => i);
    const parts = [0, 1, 2].map((index) => inShard(items, { index, count: 3 }));
    expect(parts.flat().sort((a, b) => a - b)).toEqual(items);
    expect(parts[1]).toEqual([1, 4, 7, 10]);
  });

  it("names time windows by year, month, day or hour in UTC", () => {
    const ms = Date.UTC(2022, 0, 31, 23, 30);
    expect(windowOf(ms, "day")).toEqual(["date", "2022-01-31"]);
    expect(windowOf(ms, "month")).toEqual(["month", "2022-01"]);
    expect(windowOf(ms, "year")).toEqual(["year", "2022"]);
    expect(windowOf(ms, "hour")).toEqual(["hour", "2022-01-31T23"]);
    expect(windowOf(ms, "none")).toBeUndefined();
  });

  it("chooses the coarsest window whose partitions stay under the target rows", () => {
    const hourly = Float64Array.from({ length: 48 }, (_, h) => Date.UTC(2022, 0, 1, h));
    // a global 0.25 degree grid at resolution 5: about 2 M cells, 16.5 k per h0 cell and hour
    expect(chooseWindow(hourly, 16_500).window).toBe("month");
    expect(chooseWindow(hourly, 16_500).reason).toMatch(/a month gives about 1[0-9],[0-9,]+ rows per file/);
    expect(chooseWindow(hourly, 116_000).window).toBe("day");
    expect(chooseWindow(hourly, 1_000).window).toBe("year");
    expect(chooseWindow(hourly, 10_000_000).window).toBe("hour");
    const daily = Float64Array.from({ length: 3 }, (_, d) => Date.UTC(2022, 0, 1 + d));
    expect(chooseWindow(daily, 16_500).window).toBe("year");
    expect(chooseWindow(undefined, 16_500).window).toBe("none");
  });

  it("refuses to wipe from one shard of many", async () => {
    const io = await ioFor({ name: "coarse", root: "/nonexistent-refs-test" });
    await expect(
      computeProject(io, { variables: ["pr"], resolution: 4 }, { wipe: true, shard: { index: 0, count: 2 } }),
    ).rejects.toThrow(/wipe once without a shard/);
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
