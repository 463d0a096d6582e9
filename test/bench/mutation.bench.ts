/**
 * The mutation suite at length: `REFS_MUTANTS` (default 200) seeded mutants of each seed file, plus the aimed ones,
 * each scanned and read back in a child process under 10 s and 512 MiB, values compared with h5wasm / netcdfjs /
 * geotiff.js. Prints the count per outcome for each format, and the mutants with a bad outcome.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixturesDir, haveFixtures } from "../fixtures.js";
import { OUTCOMES } from "../mutation/protocol.js";
import { countOutcomes, type JobResult } from "../mutation/runner.js";
import { mutationRun } from "../mutation/suite.js";
import type { BenchTable } from "./table.js";

const BAD = new Set(["wrong", "crash", "hang", "over-memory", "unnamed-error"]);

export default async function mutationBench(): Promise<BenchTable> {
  const perSeed = Number(process.env.REFS_MUTANTS ?? 200);
  const dir = mkdtempSync(join(tmpdir(), "refs-mutation-bench-"));
  const started = Date.now();
  let results: JobResult[];
  try {
    results = await mutationRun(dir, perSeed, { seed: 2 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const seconds = (Date.now() - started) / 1000;
  const formats = ["hdf5", "netcdf3", "tiff"];
  const rows = formats.map((format) => {
    const counts = countOutcomes(results.filter((r) => r.job.format === format));
    return [format, ...OUTCOMES.map((o) => counts[o]), Object.values(counts).reduce((a, b) => a + b, 0)];
  });
  const all = countOutcomes(results);
  rows.push(["all", ...OUTCOMES.map((o) => all[o]), results.length]);
  const slowest = Math.max(...results.map((r) => r.ms));
  const peak = Math.max(...results.map((r) => r.peakRss)) / 2 ** 20;
  const notes = [
    `${perSeed} random mutants per seed file (REFS_MUTANTS) plus aimed ones; ${haveFixtures ? `seeds include fixtures from ${fixturesDir}` : "no fixtures: generated seeds only"}`,
    `${seconds.toFixed(0)} s in all; slowest scan + read-back ${slowest} ms; peak resident memory of the scanning process ${peak.toFixed(0)} MiB`,
    ...results
      .filter((r) => BAD.has(r.outcome))
      .slice(0, 40)
      .map((r) => `${r.outcome}: ${r.job.path.split("/").pop()}: ${r.detail.slice(0, 200)}`),
  ];
  return {
    title: "Mutation suite: outcomes per format",
    baseline:
      "the independent readers (h5wasm, netcdfjs, geotiff.js) on the same mutant, or on the original where they refuse it",
    columns: ["format", ...OUTCOMES, "mutants"],
    rows,
    notes,
  };
}
