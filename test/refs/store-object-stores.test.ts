/**
 * Reading through references whose chunk URLs are s3:// (a real s3rver) and gs:// (the GCS JSON API test double):
 * a chunked, gzip-compressed HDF5 file made by h5wasm is uploaded, scanned by its remote URL, and every array is read
 * with readArray, with zarrita over JSON references and with LazyParquetStore over Parquet references stored in the
 * same bucket. Values must equal h5wasm's reading of the local file exactly; request counts show coalescing.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as zarr from "zarrita";
import { readKerchunkJson, writeKerchunkJson } from "../../refs/formats/kerchunk-json.js";
import { writeKerchunkParquet } from "../../refs/formats/kerchunk-parquet/index.js";
import type { ReferenceSet } from "../../refs/model/reference-set.js";
import { NotFoundError } from "../../refs/storage/errors.js";
import { CountingSource } from "../../refs/storage/middleware/count.js";
import type { StorageOptions } from "../../refs/storage/options.js";
import { openSource, storeFor } from "../../refs/storage/registry.js";
import type { ByteSource } from "../../refs/storage/types.js";
import { LazyParquetStore } from "../../refs/store/parquet-store.js";
import { readArray } from "../../refs/store/read-array.js";
import { registerCodecsWithZarrita } from "../../refs/store/zarrita-codecs.js";
import { ReferenceStore } from "../../refs/store/zarrita-store.js";
import { scanFile } from "../../scanner/index.js";
import { h5wasmReady } from "../scanner/hdf5/h5wasm-oracle.js";
import { type FakeGcsServer, startFakeGcsServer } from "../servers/fake-gcs-server.js";
import { type S3Server, startS3rver } from "../servers/s3rver.js";
import { firstDifference, h5Values } from "./fixture-reads.js";

registerCodecsWithZarrita();
const dir = mkdtempSync(join(tmpdir(), "refs-remote-read-"));
const file = join(dir, "series.h5");
/** Datasets of the generated file and how many chunks each has (edge chunks included). */
const ARRAYS = { temperature: 24, counts: 9, time: 3, plain: 4 } as const;
let s3: S3Server;
let gcs: FakeGcsServer;
let size = 0;

beforeAll(async () => {
  const h5 = await h5wasmReady();
  const f = new h5.File(file, "w", { libver: "latest" });
  // Smooth fields compress well but not to nothing, so chunks have distinct, non-trivial byte ranges.
  const t = new Float32Array(40 * 60).map((_, i) => 280 + 10 * Math.sin(i / 37) + (i % 7) * 0.125);
  f.create_dataset({ name: "temperature", data: t, shape: [40, 60], chunks: [10, 10], compression: "gzip" });
  // 7x25x9 in 3x10x9 chunks (3x3x1): edge chunks on every axis.
  const c = new Int16Array(7 * 25 * 9).map((_, i) => ((i * 131) % 2000) - 1000);
  f.create_dataset({ name: "counts", data: c, shape: [7, 25, 9], chunks: [3, 10, 9], compression: "gzip" });
  const hours = new Float64Array(30).map((_, i) => 1_000_000 + i * 6);
  f.create_dataset({ name: "time", data: hours, shape: [30], chunks: [10], compression: "gzip" });
  const plain = new Int32Array(4 * 50).map((_, i) => i * 3 - 77);
  f.create_dataset({ name: "plain", data: plain, shape: [4, 50], chunks: [1, 50] });
  f.close();
  const bytes = new Uint8Array(readFileSync(file));
  size = bytes.length;
  s3 = await startS3rver(["data"]);
  await storeFor("s3://", { s3: s3.options }).write?.("s3://data/in/series.h5", bytes);
  gcs = await startFakeGcsServer(["bucket"]);
  gcs.put("bucket", "in/series.h5", bytes);
});

afterAll(async () => {
  await s3?.close();
  await gcs?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens sources through the registry with a counter on each, so requests and bytes reach the test. */
function countingOpener(storage: StorageOptions) {
  const counters: CountingSource[] = [];
  const open = (url: string): ByteSource => {
    const counter = new CountingSource(openSource(url, storage));
    counters.push(counter);
    return counter;
  };
  // Stores keep one source per URL, so each call reports what happened since the previous one.
  let before = { requests: 0, bytes: 0 };
  const total = () => {
    const sum = { requests: 0, bytes: 0 };
    for (const c of counters) {
      sum.requests += c.stats.requests;
      sum.bytes += c.stats.bytes;
    }
    const delta = { requests: sum.requests - before.requests, bytes: sum.bytes - before.bytes };
    before = sum;
    return delta;
  };
  return { open, total };
}

/** Bytes referenced by an array's range chunks (what a perfect reader would fetch). */
function referencedBytes(refs: ReferenceSet, path: string): number {
  const table = refs.arrays.get(path);
  let sum = 0;
  for (const i of table?.present() ?? []) sum += Math.max(0, table?.lengths[i] ?? 0);
  return sum;
}

async function zarritaValues(store: ReferenceStore | LazyParquetStore, path: string) {
  const array = await zarr.open.v2(zarr.root(store).resolve(path), { kind: "array" });
  return ((await zarr.get(array)) as { data: ArrayLike<unknown> }).data;
}

/** Writes Parquet references into the bucket and returns a reader of that folder over the object store. */
async function parquetInBucket(refs: ReferenceSet, root: string, storage: StorageOptions) {
  const store = storeFor(root, storage);
  const files = await writeKerchunkParquet(
    refs,
    { write: (rel, bytes) => store.write?.(`${root}/${rel}`, bytes) ?? Promise.resolve() },
    { recordSize: 5 },
  );
  const reads: string[] = [];
  const reader = {
    read: async (rel: string) => {
      reads.push(rel);
      const source = openSource(`${root}/${rel}`, storage);
      try {
        return await source.fetch(0, await source.size());
      } catch (error) {
        if (error instanceof NotFoundError) return undefined;
        throw error;
      }
    },
  };
  return { files, reader, reads };
}

const schemes = [
  {
    name: "s3",
    url: "s3://data/in/series.h5",
    refsRoot: "s3://data/refs",
    storage: () => ({ s3: s3.options }),
  },
  {
    name: "gs",
    url: "gs://bucket/in/series.h5",
    refsRoot: "gs://bucket/refs",
    storage: () => ({ gcs: { apiEndpoint: gcs.origin, anonymous: true } }),
  },
];

describe.each(schemes)("reading through references over $name://", ({ url, refsRoot, storage }) => {
  let refs: ReferenceSet;
  const expected = new Map<string, ArrayLike<unknown>>();

  beforeAll(async () => {
    const scanned = await scanFile(openSource(url, storage()), url, { inlineThreshold: 0 });
    expect(scanned.format).toBe("hdf5");
    refs = scanned.refs;
    for (const name of Object.keys(ARRAYS)) {
      const values = await h5Values(file, name);
      if (!values) throw new Error(`h5wasm cannot read ${name}`);
      expected.set(name, values);
    }
  });

  it("the scan points every chunk at the remote URL", () => {
    for (const [name, chunks] of Object.entries(ARRAYS)) {
      const table = refs.arrays.get(name);
      expect(table?.presentCount(), name).toBe(chunks);
      for (const i of table?.present() ?? []) expect(table?.get(i)).toMatchObject({ kind: "range", url });
    }
  });

  it("readArray equals h5wasm, with coalesced requests", async () => {
    const { open, total } = countingOpener(storage());
    for (const [name, chunks] of Object.entries(ARRAYS)) {
      const { data } = await readArray(refs, name, { open });
      expect(
        firstDifference(data as ArrayLike<unknown>, expected.get(name) as ArrayLike<unknown>),
        name,
      ).toBe(undefined);
      const stats = total();
      // h5wasm writes an array's chunks near each other: one read (two at most) serves them all.
      expect(stats.requests, name).toBeGreaterThan(0);
      expect(stats.requests, name).toBeLessThanOrEqual(Math.min(2, chunks));
      expect(stats.bytes, name).toBeGreaterThanOrEqual(referencedBytes(refs, name));
      expect(stats.bytes, name).toBeLessThanOrEqual(size);
    }
  });

  it("readArray without coalescing makes one request per chunk (the counter is real)", async () => {
    const { open, total } = countingOpener(storage());
    await readArray(refs, "temperature", { open, coalesce: false });
    expect(total()).toEqual({ requests: ARRAYS.temperature, bytes: referencedBytes(refs, "temperature") });
  });

  it("zarrita over JSON references (written and read back) equals h5wasm, with coalesced requests", async () => {
    const text = writeKerchunkJson(refs);
    const back = readKerchunkJson(text);
    const { open, total } = countingOpener(storage());
    const store = new ReferenceStore(back, { open });
    for (const [name, chunks] of Object.entries(ARRAYS)) {
      const data = await zarritaValues(store, name);
      expect(firstDifference(data, expected.get(name) as ArrayLike<unknown>), name).toBeUndefined();
      const stats = total();
      expect(stats.requests, name).toBeGreaterThan(0);
      expect(stats.requests, name).toBeLessThan(Math.max(2, chunks));
      expect(stats.bytes, name).toBeGreaterThanOrEqual(referencedBytes(refs, name));
    }
  });

  it("LazyParquetStore over Parquet references stored in the bucket equals h5wasm", async () => {
    const root = `${refsRoot}/series.parq`;
    const { files, reader, reads } = await parquetInBucket(refs, root, storage());
    // recordSize 5: temperature 5 record files, counts 2, time 1, plain 1.
    expect(files).toBe(9);
    const { open, total } = countingOpener(storage());
    const store = await LazyParquetStore.open(reader, { open, cacheRecords: 2 }, root);
    for (const [name, chunks] of Object.entries(ARRAYS)) {
      const data = await zarritaValues(store, name);
      expect(firstDifference(data, expected.get(name) as ArrayLike<unknown>), name).toBeUndefined();
      const stats = total();
      expect(stats.requests, name).toBeGreaterThan(0);
      expect(stats.requests, name).toBeLessThan(Math.max(2, chunks));
    }
    expect(reads[0]).toBe(".zmetadata");
    expect(reads.filter((r) => r.startsWith("temperature/refs.")).sort()).toEqual(
      [0, 1, 2, 3, 4].map((k) => `temperature/refs.${k}.parq`),
    );
  });
});
