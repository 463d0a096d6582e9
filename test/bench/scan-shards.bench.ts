/**
 * Sharded scan benchmark (issue 15): REFS_BENCH_SCAN_FILES (default 2,000) generated ERA5-like NetCDF4 files (one
 * day of hourly precipitation each, 11 x 11 grid, deflated chunks) held in s3rver, scanned by `refs scan
 * --shard i/N` in N = 1 and N = 4 processes at once (REFS_BENCH_SCAN_PROCESSES, default "1,4"), each followed by
 * `refs scan --combine`: files/s of the scan (wall time, first process start to last exit), the scanner's
 * requests and bytes read per file (from the per-file results), and the combine's time. The processes are the
 * built CLI (dist/, rebuilt first when stale). The files are generated once into
 * $XDG_CACHE_HOME/refs/bench/scan-shards-<N> (or ~/.cache/...) and reused; the workdir is a local temporary folder.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { writeEra5Like } from "../../pipelines/demo/era5-like.js";
import { defaultConfig } from "../../pipelines/project/config.js";
import { Workspace } from "../../pipelines/project/workspace.js";
import type { PhaseStatus } from "../../pipelines/status/phase-status.js";
import { S3Store } from "../../refs/storage/s3-store.js";
import { startS3rver } from "../servers/s3rver.js";
import type { BenchTable } from "./table.js";

const root = resolve(import.meta.dirname, "..", "..");
// as bin.ts does: the AWS SDK's warning about its 2027 releases on Node 20 says nothing about this run
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const FILES = Number(process.env.REFS_BENCH_SCAN_FILES ?? 2000);
const PROCESSES = (process.env.REFS_BENCH_SCAN_PROCESSES ?? "1,4").split(",").map(Number);

/** The generated files, made once per count and kept in the cache. */
async function generated(): Promise<string[]> {
  const cache = join(
    process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"),
    "refs",
    "bench",
    `scan-shards-${FILES}`,
  );
  const done = join(cache, ".complete");
  if (!existsSync(done)) {
    await rm(cache, { recursive: true, force: true });
    const t0 = performance.now();
    await writeEra5Like({
      dir: cache,
      days: FILES,
      latNorth: 50,
      latSouth: 40,
      lonWest: 0,
      lonEast: 10,
      step: 1,
      chunks: [24, 11, 11],
    });
    await writeFile(done, new Date().toISOString());
    console.error(
      `generated ${FILES} files in ${((performance.now() - t0) / 1000).toFixed(0)} s into ${cache}`,
    );
  }
  return (await readdir(cache)).filter((f) => f.endsWith(".nc")).map((f) => join(cache, f));
}

function refs(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(root, "bin", "refs.js"), ...args], {
      cwd: root,
      env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (b: Buffer) => {
      err += b.toString();
    });
    child.on("close", (code) =>
      code === 0 ? done() : fail(new Error(`refs ${args.join(" ")}: exit ${code}\n${err}`)),
    );
  });
}

export default async function scanShardsBench(): Promise<BenchTable> {
  execFileSync(process.execPath, [join(root, "bin", "dist.js"), "--if-stale"], { stdio: "inherit" });
  const files = await generated();
  const s3 = await startS3rver(["bench"]);
  const workdir = await mkdtemp(join(tmpdir(), "refs-bench-scan-shards-"));
  try {
    const store = new S3Store(s3.options);
    const t0 = performance.now();
    let sourceBytes = 0;
    // s3rver cannot page a listing past 1,000 keys on Node 20 (its continuation tokens use DES, which OpenSSL 3
    // no longer offers: a 500), so the files go under prefixes of at most 1,000, one source glob each
    const parts = Math.ceil(files.length / 1000);
    const partOf = (k: number) => `part-${String(Math.floor(k / 1000)).padStart(2, "0")}`;
    for (const [k, f] of files.sort().entries()) {
      const bytes = await readFile(f);
      sourceBytes += bytes.length;
      await store.write(`s3://bench/era5/${partOf(k)}/${f.split("/").pop()}`, bytes);
    }
    const sources = Array.from({ length: parts }, (_, p) => `s3://bench/era5/${partOf(p * 1000)}/*.nc`);
    console.error(
      `uploaded ${files.length} files to s3rver in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: "S3RVER",
      AWS_SECRET_ACCESS_KEY: "S3RVER",
      REFS_WORKDIR: workdir,
    };
    const rows: (string | number)[][] = [];
    let base = 0;
    for (const n of PROCESSES) {
      const name = `shards-${n}`;
      const config = defaultConfig(name, sources);
      config.storage.s3 = { endpoint: s3.endpoint, region: "us-east-1", forcePathStyle: true };
      await mkdir(join(workdir, name), { recursive: true });
      await new Workspace(workdir, name).saveConfig(config);
      const s0 = performance.now();
      await Promise.all(
        Array.from({ length: n }, (_, i) => refs(["scan", name, "--shard", `${i}/${n}`, "-q"], env)),
      );
      const scanSeconds = (performance.now() - s0) / 1000;
      const c0 = performance.now();
      await refs(["scan", name, "--combine", "-q"], env);
      const combineSeconds = (performance.now() - c0) / 1000;
      const status = JSON.parse(
        await readFile(join(workdir, name, "status", "scan.json"), "utf8"),
      ) as PhaseStatus;
      const d = status.details ?? {};
      if (status.counts.done !== files.length) throw new Error(`${name}: ${JSON.stringify(status.counts)}`);
      const filesPerSecond = files.length / scanSeconds;
      base ||= filesPerSecond;
      rows.push([
        n,
        scanSeconds,
        filesPerSecond,
        filesPerSecond / base,
        (d.requests as number) / files.length,
        (d.bytesRead as number) / files.length,
        combineSeconds,
        String(d.format),
      ]);
    }
    return {
      title: `Sharded scan of ${files.length} NetCDF4 files in s3rver (${(sourceBytes / files.length / 1024).toFixed(1)} KiB each)`,
      baseline: `${PROCESSES[0]} process(es)`,
      columns: [
        "processes",
        "scan s",
        "files/s",
        "ratio",
        "requests/file",
        "bytes read/file",
        "combine s",
        "format",
      ],
      rows,
      notes: [
        "scan s: wall time from the first shard process's start to the last one's exit (each lists the bucket once)",
        "the files are under prefixes of 1,000 (s3rver cannot page a listing past 1,000 keys on Node 20)",
        "requests and bytes per file: the scanner's range reads of each source file, from its per-file result " +
          "(these small files fit in the first block the scanner reads)",
        `machine: ${(await import("node:os")).cpus().length} cores, shared; processes compete for them`,
      ],
    };
  } finally {
    await s3.close();
    await rm(workdir, { recursive: true, force: true });
  }
}
