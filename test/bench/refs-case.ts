/**
 * One case of the refs benchmark, run in its own process so its peak RSS is its own:
 *   tsx test/bench/refs-case.ts <parquet|json|read-parquet|combine-parquet> <dir> <files> <chunksPerFile>
 * Prints one JSON line: seconds, peak RSS (MiB), output bytes, references.
 */
import { createWriteStream, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { writeKerchunkJsonParts } from "../../refs/formats/kerchunk-json-write.js";
import { readKerchunkParquet, writeKerchunkParquet } from "../../refs/formats/kerchunk-parquet/index.js";
import { ChunkTable, type JsonObject, type ReferenceSet } from "../../refs/model/reference-set.js";
import { peakRssMiB } from "./table.js";

const [mode = "parquet", dir = "/tmp/refs-bench", filesArg = "1000", perFileArg = "10000"] =
  process.argv.slice(2);
const files = Number(filesArg);
const perFile = Number(perFileArg);
const steps = 10; // time steps per file; perFile / steps chunks per step
const across = perFile / steps;

function zarray(time: number): JsonObject {
  return {
    chunks: [1, 100],
    compressor: { id: "zlib", level: 4 },
    dtype: "<f4",
    fill_value: "NaN",
    filters: null,
    order: "C",
    shape: [time, across * 100],
    zarr_format: 2,
  };
}

const url = (f: number) =>
  `s3://era5-bucket/reanalysis/single-levels/2m_temperature/file_${String(f).padStart(5, "0")}.nc`;

/** One file's references: `steps` x `across` chunks. */
function perFileSet(f: number): ReferenceSet {
  const table = new ChunkTable([steps, across]);
  for (let i = 0; i < perFile; i++) table.setRange(i, url(f), 20_000 + i * 4_000, 3_900 + (i % 97));
  return {
    metadata: new Map<string, JsonObject>([
      [".zgroup", { zarr_format: 2 }],
      ["t2m/.zarray", zarray(steps)],
      ["t2m/.zattrs", { _ARRAY_DIMENSIONS: ["time", "x"], units: "K" }],
    ]),
    arrays: new Map([["t2m", table]]),
  };
}

/** The combined set built directly: what combining `files` per-file sets along time produces. */
function combinedDirect(): ReferenceSet {
  const table = new ChunkTable([files * steps, across]);
  for (let f = 0; f < files; f++) {
    const base = f * perFile;
    for (let i = 0; i < perFile; i++) table.setRange(base + i, url(f), 20_000 + i * 4_000, 3_900 + (i % 97));
  }
  return {
    metadata: new Map<string, JsonObject>([
      [".zgroup", { zarr_format: 2 }],
      ["t2m/.zarray", zarray(files * steps)],
      ["t2m/.zattrs", { _ARRAY_DIMENSIONS: ["time", "x"], units: "K" }],
    ]),
    arrays: new Map([["t2m", table]]),
  };
}

/** Combine per-file sets by copying their chunk tables along time (one per-file set alive at a time). */
function combinedByCopy(): ReferenceSet {
  const out = combinedDirect();
  const table = new ChunkTable([files * steps, across]);
  for (let f = 0; f < files; f++) {
    const src = perFileSet(f).arrays.get("t2m") as ChunkTable;
    for (let i = 0; i < perFile; i++) table.copyFrom(src, i, f * perFile + i);
  }
  out.arrays.set("t2m", table);
  return out;
}

function folder(root: string) {
  return {
    async write(rel: string, bytes: Uint8Array) {
      await mkdir(dirname(join(root, rel)), { recursive: true });
      await writeFile(join(root, rel), bytes);
    },
    async read(rel: string) {
      try {
        return new Uint8Array(await readFile(join(root, rel)));
      } catch {
        return undefined;
      }
    },
  };
}

function du(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((n, name) => n + du(join(path, name)), 0);
}

const start = performance.now();
const cpuStart = process.cpuUsage();
let output = join(dir, mode);
let refsCount = files * perFile;
rmSync(output, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
if (mode === "parquet" || mode === "combine-parquet") {
  const refs = mode === "parquet" ? combinedDirect() : combinedByCopy();
  await writeKerchunkParquet(refs, folder(output));
} else if (mode === "json") {
  const refs = combinedDirect();
  output = `${output}.json`;
  const stream = createWriteStream(output);
  for (const part of writeKerchunkJsonParts(refs, { templates: true })) {
    if (!stream.write(part)) await new Promise<void>((r) => stream.once("drain", () => r()));
  }
  await new Promise<void>((r) => stream.end(() => r()));
} else if (mode === "read-parquet") {
  output = join(dir, "parquet");
  const refs = await readKerchunkParquet(folder(output));
  refsCount = (refs.arrays.get("t2m") as ChunkTable).presentCount();
}
const seconds = (performance.now() - start) / 1000;
const cpu = process.cpuUsage(cpuStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
console.log(
  JSON.stringify({ mode, seconds, cpuSeconds, peakMiB: peakRssMiB(), bytes: du(output), refs: refsCount }),
);
