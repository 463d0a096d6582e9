/**
 * Variable-length string heap IDs (length, global heap collection address, object index). HDF5 writes a NULL
 * string as length 0 and address 0, and real files hold them (kerchunk's vlen.h5, netcdf4-python's test_gold.nc):
 * h5py and kerchunk read them as "", and so do we. A length with no heap address is no value HDF5 writes, but a
 * damaged ID: refused, naming the dataset. (h5wasm reads a NULL as whatever lies at wasm address 0.)
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemorySource } from "../../../refs/storage/memory.js";
import { FormatError } from "../../../scanner/errors.js";
import { scanHdf5 } from "../../../scanner/hdf5/scan.js";
import { h5wasmReady } from "./h5wasm-oracle.js";

const dir = mkdtempSync(join(tmpdir(), "refs-vlen-null-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let bytes: Uint8Array;
/** Where the heap ID of "ab" (element 1) lies. */
let id: number;

beforeAll(async () => {
  const h5 = await h5wasmReady();
  const path = join(dir, "s.h5");
  const f = new h5.File(path, "w");
  f.create_dataset({ name: "s", data: ["", "ab", "c"] } as never);
  f.close();
  bytes = new Uint8Array(readFileSync(path));
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const gcol = bytes.findIndex((_, i) => String.fromCharCode(...bytes.subarray(i, i + 4)) === "GCOL");
  id = bytes.findIndex(
    (_, i) =>
      i + 16 <= bytes.length &&
      view.getUint32(i, true) === 2 &&
      Number(view.getBigUint64(i + 4, true)) === gcol,
  );
  expect(id).toBeGreaterThan(0);
});

async function strings(file: Uint8Array): Promise<unknown> {
  const { refs } = await scanHdf5(new MemorySource("mem://s.h5", file), "s.h5");
  const embedded = refs.arrays.get("s")?.inline.get(0);
  // numcodecs JSON: the values, then the dtype and the shape
  return JSON.parse(new TextDecoder().decode(embedded)).slice(0, 3);
}

describe("variable-length string heap IDs", () => {
  it("the untouched file: the strings", async () => {
    expect(await strings(bytes)).toEqual(["", "ab", "c"]);
  });

  it("a heap ID zeroed whole is HDF5's NULL: read as an empty string, as h5py and kerchunk do", async () => {
    const nulled = bytes.slice();
    nulled.fill(0, id, id + 16);
    expect(await strings(nulled)).toEqual(["", "", "c"]);
  });

  it("a length with its heap address zeroed: refused, naming the dataset", async () => {
    const damaged = bytes.slice();
    damaged.fill(0, id + 4, id + 12);
    const error = await scanHdf5(new MemorySource("mem://s.h5", damaged), "s.h5").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).object).toBe("/s");
    expect((error as FormatError).detail).toBe(
      "variable-length string value of length 2 with no global heap object (heap address 0): a damaged heap ID, " +
        "expected a global heap collection address (or length 0 for a NULL value)",
    );
  });
});
