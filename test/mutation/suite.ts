/** One mutation run: seeds, `perSeed` mutants of each written beside them, every mutant run under the bounds. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { mutants, structuralMutants } from "./mutants.js";
import type { Job } from "./protocol.js";
import { type Bounds, DEFAULT_BOUNDS, type JobResult, runJobs } from "./runner.js";
import { makeSeeds } from "./seeds.js";

export async function mutationRun(
  dir: string,
  perSeed: number,
  options: { bounds?: Bounds; onResult?: (r: JobResult) => void; seed?: number } = {},
): Promise<JobResult[]> {
  const seeds = await makeSeeds(dir);
  const jobs: Job[] = [];
  let id = 0;
  seeds.forEach((seed, s) => {
    const original = new Uint8Array(readFileSync(seed.path));
    const folder = join(dir, `m-${s}`);
    mkdirSync(folder, { recursive: true });
    const made = [
      ...structuralMutants(original, seed.format),
      ...mutants(original, seed.format, perSeed, (options.seed ?? 1) * 7919 + s),
    ];
    for (const m of made) {
      const path = join(folder, `${seed.name}.${m.name.replace(/[@:]/g, "_")}`);
      writeFileSync(path, m.bytes);
      jobs.push({ id: id++, format: seed.format, path, original: seed.path });
    }
  });
  return runJobs(jobs, options.bounds ?? DEFAULT_BOUNDS, options.onResult);
}
