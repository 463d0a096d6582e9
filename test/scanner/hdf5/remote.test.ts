/**
 * Scanning over HTTP and S3 (loopback servers started here) reads metadata only: for a file of tens of
 * megabytes with thousands of chunks, the bytes fetched are a small fraction of the file, in few requests,
 * and the references equal those of a local scan.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chunkKey, type ReferenceSet } from "../../../refs/model/reference-set.js";
import { FileSource } from "../../../refs/storage/file.js";
import { HttpSource } from "../../../refs/storage/http.js";
import { CountingSource } from "../../../refs/storage/middleware/count.js";
import { S3Store } from "../../../refs/storage/s3-store.js";
import { scanHdf5 } from "../../../scanner/hdf5/scan.js";
import { type RangeServer, startRangeServer } from "../../servers/http-range-server.js";
import { type S3Server, startS3rver } from "../../servers/s3rver.js";
import { h5wasmReady } from "./h5wasm-oracle.js";

const dir = mkdtempSync(join(tmpdir(), "refs-hdf5-remote-"));
const files: Record<string, Uint8Array> = {};
let http: RangeServer;
let s3: S3Server;

/** 48 MB: a 6000 x 2000 float32 dataset in 100 x 20 chunks (6000 chunks), plus a few small variables. */
async function bigFile(libver: "earliest" | "latest"): Promise<Uint8Array> {
  const h5 = await h5wasmReady();
  const path = join(dir, `big-${libver}.h5`);
  const f = new h5.File(path, "w", { libver });
  const values = new Float32Array(6000 * 2000);
  for (let i = 0; i < values.length; i++) values[i] = (i % 9973) * 0.5;
  f.create_dataset({ name: "field", data: values, shape: [6000, 2000], chunks: [100, 20] });
  f.create_dataset({ name: "lat", data: new Float64Array(6000), shape: [6000] });
  f.create_attribute("title", "big");
  f.close();
  return new Uint8Array(readFileSync(path));
}

function sameRefs(a: ReferenceSet, b: ReferenceSet): void {
  expect([...a.metadata.entries()]).toEqual([...b.metadata.entries()]);
  for (const [path, table] of a.arrays) {
    const other = b.arrays.get(path);
    expect(other?.count).toBe(table.count);
    for (const flat of table.present()) {
      const x = table.get(flat);
      const y = other?.get(flat);
      expect(y, `${path}/${chunkKey(table.coords(flat))}`).toEqual(x);
    }
  }
}

beforeAll(async () => {
  files.earliest = await bigFile("earliest");
  files.latest = await bigFile("latest");
  http = await startRangeServer();
  s3 = await startS3rver(["data"]);
  const store = new S3Store(s3.options);
  for (const [name, bytes] of Object.entries(files)) {
    http.objects.set(`/${name}.h5`, bytes);
    await store.write(`s3://data/${name}.h5`, bytes);
  }
}, 120_000);

afterAll(async () => {
  await http?.close();
  await s3?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("hdf5 scans of remote files read metadata only", () => {
  for (const libver of ["earliest", "latest"] as const) {
    it(`over HTTP and S3 (libver ${libver})`, async () => {
      const size = files[libver]?.length as number;
      expect(size).toBeGreaterThan(48_000_000);
      const local = await scanHdf5(new FileSource(join(dir, `big-${libver}.h5`)), "big.h5");
      expect(local.refs.arrays.get("field")?.count).toBe(6000);
      expect([...(local.refs.arrays.get("field")?.present() ?? [])].length).toBe(6000);
      const sources = [
        new CountingSource(new HttpSource(`${http.origin}/${libver}.h5`)),
        new CountingSource(new S3Store(s3.options).open(`s3://data/${libver}.h5`)),
      ];
      for (const source of sources) {
        const remote = await scanHdf5(source, "big.h5");
        console.log(
          `big-${libver}.h5 via ${source.inner.constructor.name}: ${size} bytes, scan read ${source.stats.bytes} bytes in ${source.stats.requests} requests`,
        );
        sameRefs(local.refs, remote.refs);
        // What the scan reports about itself, and what the counting wrapper saw.
        expect(remote.stats.fileSize).toBe(size);
        expect(remote.stats.bytesRead).toBe(source.stats.bytes);
        expect(remote.stats.requests).toBe(source.stats.requests);
        expect(source.stats.bytes).toBeLessThan(size / 50);
        // One request per chunk-index node at most (nodes of one level are fetched concurrently).
        expect(source.stats.requests).toBeLessThan(200);
      }
    }, 120_000);
  }
});
