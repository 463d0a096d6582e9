/** A unit that fails is recorded and the others go on; a rerun redoes only it, and the output is then complete. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { computeProject } from "../../compute/run.js";
import ioFor, { CONFIGS } from "./helpers/io-module.js";
import { snapshot } from "./helpers/snapshot.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "refs-compute-fail-"));
  dirs.push(d);
  return d;
}

describe("a failing work unit", { timeout: 120_000 }, () => {
  it("is recorded by name while the others finish; the rerun completes the output", async () => {
    const config = { ...CONFIGS.hourly, variables: [...CONFIGS.hourly.variables] };
    const cleanRoot = await tempDir();
    await computeProject(await ioFor({ name: "hourly", root: cleanRoot }), config, { mappingThreads: 0 });
    const clean = await snapshot(cleanRoot);

    const root = await tempDir();
    const io = await ioFor({ name: "hourly", root });
    const good = io.read;
    // Every read touching the values of the first data read fails, as a corrupt or vanished source chunk
    // would (units grouped to share reads, then retried alone, each read some part of it).
    let failing: { start: number[]; stop: number[] } | undefined;
    const meets = (a: { start: number[]; stop: number[] }, b: { start: number[]; stop: number[] }) =>
      a.start.every((s, d) => s < (b.stop[d] as number) && (b.start[d] as number) < (a.stop[d] as number));
    const broken = {
      ...io,
      read: async (path: string, region: { start: number[]; stop: number[] }) => {
        if (region.start.length > 1) {
          failing ??= region;
          if (meets(region, failing))
            throw new Error(`chunk of ${path} at ${region.start.join(",")} is corrupt`);
        }
        return good(path, region);
      },
    };
    const first = await computeProject(broken, config, { mappingThreads: 0 });
    expect(first.failures.length).toBeGreaterThan(0);
    expect(first.failures[0]?.reason).toMatch(/is corrupt/);
    expect(first.failures[0]?.reason).toContain(first.failures[0]?.unit);
    expect(first.unitsRun + first.failures.length).toBe(first.unitsPlanned);
    expect(first.unitsRun).toBeGreaterThan(0);

    const second = await computeProject(io, config, { mappingThreads: 0 });
    expect(second.unitsRun).toBe(first.failures.length);
    expect(second.failures).toEqual([]);
    expect(await snapshot(root)).toEqual(clean);
  });

  it("stops the run at the first failure when continueOnError is false", async () => {
    const io = await ioFor({ name: "hourly", root: await tempDir() });
    const broken = { ...io, read: async () => Promise.reject(new Error("unreadable")) };
    await expect(
      computeProject(
        broken,
        { ...CONFIGS.hourly, variables: ["tp"] },
        { mappingThreads: 0, continueOnError: false },
      ),
    ).rejects.toThrow(/unreadable|failed/);
  });
});
