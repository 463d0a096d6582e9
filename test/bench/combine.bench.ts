/**
 * Combine benchmark: N synthetic per-file reference sets of 1,000 chunks each (one time step per file, a
 * [time, y, x] variable of 1000 x 1000 in 100 x 10 chunks, an inline time coordinate, a static y coordinate),
 * combined along time and written as kerchunk Parquet (the refs helper's streaming writer) to a temporary folder.
 * Goal (issue 5): 10 million chunk references combined and written in under a minute and 1.5 GB peak memory.
 * Peak memory is the process's maximum resident set, inputs included (the pipeline holds them too).
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type CombineInput, combineReferenceSets } from "../../refs/combine/index.js";
import { writeKerchunkParquet } from "../../refs/formats/kerchunk-parquet/index.js";
import { ChunkTable, type JsonObject, type ReferenceSet } from "../../refs/model/reference-set.js";
import { readArray } from "../../refs/store/index.js";
import { type BenchTable, peakRssMiB } from "./table.js";

const GOAL_SECONDS = 60;
const GOAL_MIB = 1536;

/**
 * `perFile`: every file packs t with its own scale_factor/add_offset (as CDS ERA5 files do) and counts its time
 * from its own day, so the combine carries the coefficients per file and re-encodes the time coordinate.
 */
function fileSet(k: number, perFile = false): CombineInput {
  const url = `s3://bucket/era5/2020/file_${String(k).padStart(5, "0")}.nc`;
  const time = new ChunkTable([1]);
  const hour = perFile ? k % 24 : k;
  time.set(0, { kind: "inline", data: new Uint8Array(new Float64Array([hour]).buffer) });
  const day = new Date(Date.UTC(2020, 0, 1) + Math.floor(k / 24) * 86_400_000).toISOString().slice(0, 10);
  const y = new ChunkTable([1]);
  y.set(0, { kind: "range", url, offset: 4096, length: 8000 });
  const t = new ChunkTable([1, 10, 100]);
  for (let i = 0; i < t.count; i++)
    t.set(i, { kind: "range", url, offset: 20000 + i * 4000, length: 3000 + (i % 997) });
  const refs: ReferenceSet = {
    metadata: new Map<string, JsonObject>([
      [".zgroup", { zarr_format: 2 }],
      [".zattrs", { title: "synthetic" }],
      [
        "time/.zarray",
        {
          chunks: [1],
          compressor: null,
          dtype: "<f8",
          fill_value: null,
          filters: null,
          order: "C",
          shape: [1],
          zarr_format: 2,
        },
      ],
      [
        "time/.zattrs",
        {
          _ARRAY_DIMENSIONS: ["time"],
          units: perFile ? `hours since ${day}` : "hours since 2020-01-01",
          calendar: "standard",
        },
      ],
      [
        "y/.zarray",
        {
          chunks: [1000],
          compressor: null,
          dtype: "<f8",
          fill_value: null,
          filters: null,
          order: "C",
          shape: [1000],
          zarr_format: 2,
        },
      ],
      ["y/.zattrs", { _ARRAY_DIMENSIONS: ["y"] }],
      [
        "t/.zarray",
        {
          chunks: [1, 100, 10],
          compressor: { id: "zlib", level: 4 },
          dtype: "<f4",
          fill_value: "NaN",
          filters: [{ id: "shuffle", elementsize: 4 }],
          order: "C",
          shape: [1, 1000, 1000],
          zarr_format: 2,
        },
      ],
      [
        "t/.zattrs",
        {
          _ARRAY_DIMENSIONS: ["time", "y", "x"],
          units: "K",
          ...(perFile ? { scale_factor: 1e-3 * (1 + (k % 7)), add_offset: 250 + k / 1000 } : {}),
        },
      ],
    ]),
    arrays: new Map([
      ["time", time],
      ["y", y],
      ["t", t],
    ]),
  };
  return { url, refs };
}

/** The time coordinates are inline: decoding them opens no file. */
function noFiles(url: string): never {
  throw new Error(`the benchmark's coordinates are inline, yet ${url} was opened`);
}

async function run(files: number, perFile = false): Promise<(string | number)[]> {
  const t0 = performance.now();
  // Inputs in reverse order, so the combine has to sort them.
  const inputs = Array.from({ length: files }, (_, i) => fileSet(files - 1 - i, perFile));
  const t1 = performance.now();
  const readCoordinate = async (_url: string, refs: ReferenceSet, path: string) =>
    (await readArray(refs, path, { open: noFiles })).data;
  const result = await combineReferenceSets(inputs, { concatDims: ["time"], readCoordinate });
  const t2 = performance.now();
  const table = result.refs.arrays.get("t") as ChunkTable;
  if (table.count !== files * 1000 || table.get(table.count - 1)?.kind !== "range")
    throw new Error("combine lost chunks");
  if (perFile && (result.refs.arrays.get("t_scale_factor")?.count !== 1 || result.reencoded.length !== 0))
    throw new Error("per-file packing was not carried");
  const folder = await mkdtemp(join(tmpdir(), "combine-bench-"));
  let bytes = 0;
  try {
    await writeKerchunkParquet(result.refs, {
      write: async (relative, data) => {
        const path = join(folder, relative);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, data);
        bytes += data.length;
      },
    });
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
  const t3 = performance.now();
  const combineAndWrite = (t3 - t1) / 1000;
  const peak = peakRssMiB();
  return [
    files,
    perFile ? "per file" : "shared",
    files * 1000,
    ((t1 - t0) / 1000).toFixed(2),
    ((t2 - t1) / 1000).toFixed(2),
    ((t3 - t2) / 1000).toFixed(2),
    combineAndWrite.toFixed(2),
    Math.round(bytes / 2 ** 20),
    Math.round(peak),
    (combineAndWrite / GOAL_SECONDS).toFixed(3),
    (peak / GOAL_MIB).toFixed(3),
  ];
}

export default async function bench(): Promise<BenchTable> {
  const rows = [await run(1000), await run(10000), await run(10000, true)];
  return {
    title: "combine: per-file reference sets of 1,000 chunks -> one set, written as kerchunk Parquet",
    baseline: `the issue's goal: ${GOAL_SECONDS} s and ${GOAL_MIB} MiB for 10 million chunk references`,
    columns: [
      "files",
      "packing, time units",
      "chunk refs",
      "make inputs s",
      "combine s",
      "write parquet s",
      "combine+write s",
      "parquet MiB",
      "peak RSS MiB",
      "time / goal",
      "memory / goal",
    ],
    rows,
    notes: [
      "peak RSS is the process maximum so far (the 10,000-file row includes its inputs and the earlier row)",
      "per file: each file its own scale_factor/add_offset and 'hours since <its day>': coefficients carried as t_scale_factor/t_add_offset, time re-encoded",
    ],
  };
}
