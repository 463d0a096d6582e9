/**
 * Reference sets at scale: 10 million chunk references (1,000 files x 10,000 chunks, one variable concatenated
 * along time) combined and written as kerchunk Parquet, read back, and written as kerchunk JSON for comparison.
 * Each case runs in its own process so its peak RSS is its own. Goal: < 60 s and < 1.5 GB.
 * REFS_BENCH_FILES scales the number of files (default 1000).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchTable } from "./table.js";

interface CaseResult {
  mode: string;
  seconds: number;
  cpuSeconds: number;
  peakMiB: number;
  bytes: number;
  refs: number;
}

const here = dirname(fileURLToPath(import.meta.url));

function run(mode: string, dir: string, files: number): CaseResult {
  const out = execFileSync(
    process.execPath,
    ["--import", "tsx", join(here, "refs-case.ts"), mode, dir, String(files), "10000"],
    {
      encoding: "utf8",
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(out.trim().split("\n").at(-1) as string) as CaseResult;
}

export default async function bench(): Promise<BenchTable> {
  const files = Number(process.env.REFS_BENCH_FILES ?? 1000);
  const dir = mkdtempSync(join(tmpdir(), "refs-bench-"));
  try {
    const cases: Array<[string, string]> = [
      ["combine-parquet", "combine 1,000 per-file tables (ChunkTable.copyFrom) + write Parquet"],
      ["parquet", "build combined table + write Parquet"],
      ["read-parquet", "read the Parquet references back"],
      ["json", "build combined table + write kerchunk JSON (streamed, templates)"],
    ];
    const results = cases.map(([mode, label]) => ({ label, r: run(mode, dir, files) }));
    const json = results.find((x) => x.r.mode === "json")?.r;
    return {
      title: `kerchunk references: ${(files * 10_000).toLocaleString("en-US")} chunk refs`,
      baseline: "goal (60 s, 1,536 MiB); last column: CPU time relative to writing kerchunk JSON",
      columns: [
        "case",
        "refs",
        "wall s",
        "CPU s",
        "peak RSS MiB",
        "output MiB",
        "wall / goal",
        "CPU / goal",
        "RSS / goal",
        "CPU / JSON",
      ],
      rows: results.map(({ label, r }) => [
        label,
        r.refs,
        r.seconds,
        r.cpuSeconds,
        r.peakMiB,
        r.bytes / 2 ** 20,
        r.seconds / 60,
        r.cpuSeconds / 60,
        r.peakMiB / 1536,
        json ? r.cpuSeconds / json.cpuSeconds : Number.NaN,
      ]),
      notes: [
        "combine here copies per-file chunk tables along time (what refs/combine does per chunk); refs/combine's own benchmark is test/bench/combine.bench.ts",
        "the machine is shared (2 cores, 6 engineers): wall time includes waiting for CPU; CPU time is user+system of the case's process",
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
