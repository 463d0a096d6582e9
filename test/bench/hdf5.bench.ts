/**
 * HDF5 chunk-index scans: chunks per second for generated files with 10^4, 10^5 and 10^6 chunks, under the
 * v1 B-tree (HDF5's default file format) and the fixed array (libver latest), locally and over a loopback
 * S3 server (s3rver), with requests, bytes read and peak memory. Goal: a million chunks in under 2 s locally.
 * Files are written once with h5wasm into the temp folder and reused (writing 10^6 chunks takes ~20 s).
 * Inline threshold 0, so only metadata is read.
 */
import { existsSync, readFileSync, renameSync, statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import h5wasm from "h5wasm/node";
import { FileSource } from "../../refs/storage/file.js";
import { S3Store } from "../../refs/storage/s3-store.js";
import { scanHdf5 } from "../../scanner/hdf5/scan.js";
import { startS3rver } from "../servers/s3rver.js";
import { type BenchTable, peakRssMiB } from "./table.js";

const GOAL = 500_000; // chunks per second: 10^6 chunks in 2 s
const dir = join(tmpdir(), "refs-bench-hdf5");

/** A float32 dataset of `chunks` chunks of 2 x 2 values (100 or 1000 chunks per row), written in slabs (h5wasm cannot hold 10^6 chunks at once). */
async function benchFile(libver: "earliest" | "latest", chunks: number): Promise<string> {
  const path = join(dir, `${libver}-${chunks}.h5`);
  if (existsSync(path)) return path;
  await mkdir(dir, { recursive: true });
  await h5wasm.ready;
  const gridCols = chunks >= 100_000 ? 1000 : 100;
  const height = (chunks / gridCols) * 2;
  const side = gridCols * 2;
  const rows = 20;
  const f = new h5wasm.File(`${path}.tmp`, "w", { libver });
  const d = f.create_dataset({
    name: "v",
    data: new Float32Array(rows * side),
    shape: [rows, side],
    chunks: [2, 2],
    maxshape: [height, side],
  });
  d.resize([height, side]);
  for (let r = rows; r < height; r += rows)
    d.write_slice(
      [
        [r, r + rows],
        [0, side],
      ],
      new Float32Array(rows * side).fill(r),
    );
  f.close();
  renameSync(`${path}.tmp`, path);
  return path;
}

export default async function bench(): Promise<BenchTable> {
  const s3 = await startS3rver(["bench"]);
  const store = new S3Store(s3.options);
  const rows: (string | number)[][] = [];
  try {
    for (const libver of ["earliest", "latest"] as const) {
      for (const chunks of [10_000, 100_000, 1_000_000]) {
        const path = await benchFile(libver, chunks);
        const size = statSync(path).size;
        const local = [];
        for (let i = 0; i < 3; i++) {
          const start = performance.now();
          const r = await scanHdf5(new FileSource(path), "bench.h5", { inlineThreshold: 0 });
          local.push({ ms: performance.now() - start, r });
        }
        const best = local.sort((a, b) => a.ms - b.ms)[0] as (typeof local)[number];
        const found = best.r.refs.arrays.get("v")?.count ?? 0;
        if (found !== chunks) throw new Error(`expected ${chunks} chunks, scanned ${found}`);
        const url = `s3://bench/${libver}-${chunks}.h5`;
        await store.write(url, new Uint8Array(readFileSync(path)));
        const start = performance.now();
        const remote = await scanHdf5(store.open(url), "bench.h5", { inlineThreshold: 0 });
        const s3ms = performance.now() - start;
        const rate = chunks / (best.ms / 1000);
        rows.push([
          libver === "earliest" ? "v1 B-tree" : "fixed array",
          chunks,
          size / 2 ** 20,
          best.ms,
          rate,
          rate / GOAL,
          best.r.stats.requests,
          best.r.stats.bytesRead / 2 ** 20,
          s3ms,
          chunks / (s3ms / 1000),
          remote.stats.requests,
          peakRssMiB(),
        ]);
      }
    }
  } finally {
    await s3.close();
  }
  return {
    title: "HDF5 scan: chunk references per second (generated files, inline threshold 0)",
    baseline: "goal of 10^6 chunks in 2 s locally (500,000 chunks/s); ratio = local chunks/s / goal",
    columns: [
      "index",
      "chunks",
      "file MiB",
      "local ms (best of 3)",
      "local chunks/s",
      "ratio",
      "requests",
      "MiB read",
      "S3 ms",
      "S3 chunks/s",
      "S3 requests",
      "peak RSS MiB",
    ],
    rows,
    notes: [
      "v1 B-tree: HDF5's default format (h5wasm libver earliest); fixed array: libver latest. 2 x 2 float32 chunks, so the v1 B-tree file is mostly index.",
      "peak RSS is the process maximum so far (includes h5wasm writing the files on a first run).",
      "for scale: kerchunk took 74 s for 32,768 chunks before HDF5's chunk iteration existed (about 440 chunks/s).",
    ],
  };
}
