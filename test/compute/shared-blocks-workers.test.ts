/**
 * Blocks shared by unit groups, on worker threads: the workers spill into one folder, so a block one worker
 * read the others copy (compute/shared-blocks.ts, compute/workers/units.ts). Reads are counted from every
 * thread through the IO module (a line per read in a file); the files are byte for byte those of a serial run.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { computeProject } from "../../compute/run.js";
import { SharedBlockReader } from "../../compute/shared-blocks.js";
import type { ArrayReader, Region } from "../../compute/source.js";
import ioFor, { CONFIGS } from "./helpers/io-module.js";
import { snapshot } from "./helpers/snapshot.js";

const ioModuleUrl = new URL("./helpers/io-module.ts", import.meta.url).href;
const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "refs-shared-workers-"));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const linesOf = async (file: string) => (await readFile(file, "utf8")).split("\n").filter(Boolean);

describe("shared blocks on worker threads", () => {
  it("two readers of one spill folder: the second copies what the first spilled; released, it reads again", async () => {
    const calls: string[] = [];
    const values = (region: Region) => {
      const n = region.start.reduce((k, s, d) => k * ((region.stop[d] as number) - s), 1);
      return Int32Array.from({ length: n }, (_, i) => (region.start[0] as number) * 1000 + i);
    };
    const counted =
      (who: string): ArrayReader =>
      async (_path, region) => {
        calls.push(who);
        return values(region);
      };
    const folder = await tempDir();
    const blocks = [{ y0: 0, y1: 4, x0: 0, x1: 6 }];
    const axes = { yAxis: 1, xAxis: 2 };
    const a = new SharedBlockReader(counted("a"), blocks, axes, 1 << 20, folder);
    const b = new SharedBlockReader(counted("b"), blocks, axes, 1 << 20, folder);
    const whole = (t: number): Region => ({ start: [t, 0, 0], stop: [t + 1, 4, 6] });
    const part = (t: number): Region => ({ start: [t, 1, 2], stop: [t + 1, 3, 5] });
    const expectPart = (got: unknown, t: number) => {
      const w = values(whole(t));
      expect(got).toEqual(Int32Array.from([8, 9, 10, 14, 15, 16], (i) => w[i] as number));
    };
    expectPart(await a.read("v", part(0)), 0);
    expectPart(await b.read("v", part(0)), 0); // a's spill
    expectPart(await b.read("v", part(1)), 1);
    expectPart(await a.read("v", part(1)), 1); // b's spill
    expect(calls).toEqual(["a", "b"]);
    await a.release(); // a's spill (slice 0) goes: b reads slice 0 itself again
    expectPart(await b.read("v", part(1)), 1);
    expectPart(await b.read("v", part(0)), 0);
    expect(calls).toEqual(["a", "b", "b"]);
    await a.close();
    await b.close();
  });

  it("workers read a block several groups need about once, not once per group, and write the serial run's files", async () => {
    const config = { ...CONFIGS.hourly, variables: [...CONFIGS.hourly.variables] };
    // a small budget of rows held at once: several groups per time span
    const groupRows = 600;
    const serialRoot = await tempDir();
    await computeProject(await ioFor({ name: "hourly", root: serialRoot }), config, {
      mappingThreads: 0,
      groupRows,
    });
    const run = async (maxSpillBytes: number) => {
      const root = await tempDir();
      const log = join(await tempDir(), "reads.log");
      await writeFile(log, "");
      const summary = await computeProject(await ioFor({ name: "hourly", root }), config, {
        workers: 2,
        groupRows,
        maxSpillBytes,
        ioModule: { url: ioModuleUrl, args: { name: "hourly", root, countReadsIn: log } },
      });
      expect(summary.failures).toEqual([]);
      expect(await snapshot(root)).toEqual(await snapshot(serialRoot));
      return linesOf(log);
    };
    const unshared = await run(0); // nothing spilled: every group reads each block it needs
    const shared = await run(2 ** 30);
    // keys: 2 x 2 blocks (45 x 90 pixels in 23 x 45 chunks) x 1 time slice (6 hours, up to 8 steps a slice) x
    // 2 variables
    const keys = new Set(shared).size;
    expect(keys).toBe(2 * 2 * 1 * 2);
    expect(new Set(unshared).size).toBe(keys);
    // each key read by at most both workers (when both miss it at once), and fewer reads than group by group
    expect(shared.length).toBeLessThanOrEqual(2 * keys);
    expect(unshared.length).toBeGreaterThan(shared.length);
  }, 120_000);
});
