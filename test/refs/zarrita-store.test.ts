import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as zarr from "zarrita";
import { readKerchunkJson } from "../../refs/formats/kerchunk-json.js";
import { readKerchunkParquet, writeKerchunkParquet } from "../../refs/formats/kerchunk-parquet/index.js";
import { ChunkTable, type JsonObject, type ReferenceSet } from "../../refs/model/reference-set.js";
import "../../refs/store/codecs/index.js";
import { LazyParquetStore } from "../../refs/store/parquet-store.js";
import { readArray } from "../../refs/store/read-array.js";
import { registerCodecsWithZarrita } from "../../refs/store/zarrita-codecs.js";
import { ReferenceStore } from "../../refs/store/zarrita-store.js";
import { fixtureFiles, haveFixtures } from "../fixtures.js";
import { firstDifference, h5Values, openerFor } from "./fixture-reads.js";
import { memoryOpener } from "./helpers.js";
import { folderRefs } from "./sinks.js";

registerCodecsWithZarrita();
const work = mkdtempSync(join(tmpdir(), "refs-zarrita-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function zarritaRead(store: ReferenceStore | LazyParquetStore, path: string) {
  const array = await zarr.open.v2(zarr.root(store).resolve(path), { kind: "array" });
  const chunk = (await zarr.get(array)) as unknown;
  // zarrita returns 0-d arrays as a bare value.
  if (array.shape.length === 0) return { shape: [], data: [chunk] as ArrayLike<unknown> };
  const { shape, data } = chunk as { shape: number[]; data: ArrayLike<unknown> };
  return { shape, data };
}

const zarray = (over: JsonObject): JsonObject => ({
  chunks: [2],
  compressor: null,
  dtype: "<i4",
  fill_value: -1,
  filters: null,
  order: "C",
  shape: [8],
  zarr_format: 2,
  ...over,
});

describe("ReferenceStore (zarrita over a ReferenceSet)", () => {
  it("serves inline, range and whole-file chunks; missing chunks read as the fill value", async () => {
    const whole = new Uint8Array(new Int32Array([5, 6]).buffer);
    const blob = new Uint8Array(new Int32Array([0, 0, 1, 2, 3, 4]).buffer);
    const table = new ChunkTable([4]);
    table.set(0, { kind: "range", url: "mem://blob", offset: 8, length: 8 });
    table.set(1, { kind: "range", url: "mem://blob", offset: 16, length: 8 });
    table.set(2, { kind: "file", url: "mem://whole" });
    const refs: ReferenceSet = {
      metadata: new Map([
        [".zgroup", { zarr_format: 2 }],
        ["v/.zarray", zarray({})],
        ["v/.zattrs", { _ARRAY_DIMENSIONS: ["x"] }],
      ]),
      arrays: new Map([["v", table]]),
    };
    const { open, fetches } = memoryOpener({ "mem://blob": blob, "mem://whole": whole });
    const { data } = await zarritaRead(new ReferenceStore(refs, { open }), "v");
    expect(Array.from(data)).toEqual([1, 2, 3, 4, 5, 6, -1, -1]);
    expect(fetches.get("mem://blob")).toBe(1); // the two adjacent ranges were read together
  });

  it("coalesces the reads of many small chunks into few requests", async () => {
    const n = 200;
    const blob = new Uint8Array(new Int32Array(Array.from({ length: n }, (_, i) => i * 3)).buffer);
    const table = new ChunkTable([n]);
    for (let i = 0; i < n; i++) table.set(i, { kind: "range", url: "mem://rec", offset: i * 4, length: 4 });
    const refs: ReferenceSet = {
      metadata: new Map([["r/.zarray", zarray({ chunks: [1], shape: [n] })]]),
      arrays: new Map([["r", table]]),
    };
    const { open, fetches } = memoryOpener({ "mem://rec": blob });
    const { data } = await zarritaRead(new ReferenceStore(refs, { open }), "r");
    expect(Array.from(data)).toEqual(Array.from({ length: n }, (_, i) => i * 3));
    expect(fetches.get("mem://rec")).toBeLessThanOrEqual(n / 10);
  });
});

describe("LazyParquetStore", () => {
  it("loads only the record files a read needs, keeping a bounded cache", async () => {
    const n = 50;
    const blob = new Uint8Array(new Int32Array(Array.from({ length: n }, (_, i) => i)).buffer);
    const table = new ChunkTable([n]);
    for (let i = 0; i < n; i++) table.set(i, { kind: "range", url: "mem://rec", offset: i * 4, length: 4 });
    const refs: ReferenceSet = {
      metadata: new Map([["r/.zarray", zarray({ chunks: [1], shape: [n] })]]),
      arrays: new Map([["r", table]]),
    };
    const dir = join(work, "lazy");
    await writeKerchunkParquet(refs, folderRefs(dir), { recordSize: 10 });
    const reads: string[] = [];
    const folder = folderRefs(dir);
    const counting = {
      read: (rel: string) => {
        reads.push(rel);
        return folder.read(rel);
      },
    };
    const { open } = memoryOpener({ "mem://rec": blob });
    const store = await LazyParquetStore.open(counting, { open, cacheRecords: 2 });
    const array = await zarr.open.v2(zarr.root(store).resolve("r"), { kind: "array" });
    const part = await zarr.get(array, [zarr.slice(12, 18)]);
    expect(Array.from(part.data as Int32Array)).toEqual([12, 13, 14, 15, 16, 17]);
    expect(reads.filter((r) => r.endsWith(".parq"))).toEqual(["r/refs.1.parq"]);
    expect(Array.from((await zarr.get(array)).data as Int32Array)).toEqual(
      Array.from({ length: n }, (_, i) => i),
    );
  });
});

describe.skipIf(!haveFixtures)("ReferenceStore on fixture references (JSON and Parquet)", () => {
  const names = [
    "air.nc",
    "dset_gzip.h5",
    "h5ex_d_shuffle.h5",
    "hdf5_mini_shuffle_zstd.h5",
    "1DAgg_file0.nc",
    "3DAgg_file2.nc",
    "resizable.h5",
  ];
  it.each(names)("%s: zarrita through our store equals readArray and h5wasm", async (name) => {
    const f = fixtureFiles().find((x) => x.file === name && x.kerchunkPath);
    if (!f) throw new Error(`fixture ${name} missing`);
    const json = readKerchunkJson(readFileSync(f.kerchunkPath as string, "utf8"));
    const dir = join(work, name);
    await writeKerchunkParquet(json, folderRefs(dir), { recordSize: 4 });
    const parquet = await readKerchunkParquet(folderRefs(dir));
    const lazy = await LazyParquetStore.open(folderRefs(dir), { open: openerFor(f.path), cacheRecords: 2 });
    for (const [refs, store] of [
      [json, new ReferenceStore(json, { open: openerFor(f.path) })],
      [parquet, new ReferenceStore(parquet, { open: openerFor(f.path) })],
      [json, lazy],
    ] as const) {
      for (const path of refs.arrays.keys()) {
        // zarrita 0.7 throws "Input contains an empty iterator" on arrays with a zero-length dimension.
        if (((refs.metadata.get(`${path}/.zarray`)?.shape as number[]) ?? []).includes(0)) continue;
        const ours = await readArray(refs, path, { open: openerFor(f.path) });
        const viaZarrita = await zarritaRead(store, path);
        expect(viaZarrita.shape, path).toEqual(ours.shape);
        expect(firstDifference(viaZarrita.data, ours.data as ArrayLike<unknown>), path).toBeUndefined();
        const direct = await h5Values(f.path, path);
        if (direct) expect(firstDifference(viaZarrita.data, direct), path).toBeUndefined();
      }
    }
  });
});
