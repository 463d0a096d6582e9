/**
 * compute.rollups: false writes the same data files with no rollup beside them and records none; the default
 * writes one per data file; a value other than a boolean is refused naming the setting.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { computeProject } from "../../compute/run.js";
import ioFor from "./helpers/io-module.js";
import { snapshot } from "./helpers/snapshot.js";

const config = { variables: ["tp", "t2m"], resolution: 2 };
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function run(extra: Record<string, unknown>): Promise<Record<string, string>> {
  const root = await mkdtemp(join(tmpdir(), "refs-rollups-setting-"));
  dirs.push(root);
  await computeProject(await ioFor({ name: "hourly", root }), { ...config, ...extra }, { mappingThreads: 0 });
  return snapshot(root);
}

describe("compute.rollups", () => {
  it("false: the same data files, no rollups written or recorded; default: one per data file", async () => {
    const on = await run({});
    const off = await run({ rollups: false });
    const data = (s: Record<string, string>) => Object.keys(s).filter((p) => p.endsWith(".parquet"));
    expect(data(on).length).toBeGreaterThan(0);
    expect(Object.keys(on).filter((p) => p.endsWith(".rollup"))).toEqual(data(on).map((p) => `${p}.rollup`));
    expect(Object.keys(off).filter((p) => p.endsWith(".rollup"))).toEqual([]);
    expect(data(off)).toEqual(data(on));
    for (const p of data(on)) expect(off[p], p).toBe(on[p]);
    for (const [p, text] of Object.entries(off))
      if (p.startsWith("_units/"))
        for (const f of (JSON.parse(text) as { files: { rollup?: unknown }[] }).files)
          expect(f.rollup).toBeUndefined();
  }, 120_000);

  it("a value other than true or false is refused, naming the setting", async () => {
    await expect(run({ rollups: "yes" })).rejects.toThrow(/rollups.*true or false/);
  });
});
