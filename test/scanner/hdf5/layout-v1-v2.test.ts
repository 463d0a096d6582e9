/**
 * Data layout messages versions 1 and 2 (HDF5 1.4-1.6, e.g. HDF-EOS5 swaths from Aura MLS/OMI/TES), on bytes laid
 * out by hand from the File Format Specification (old-layout.ts): h5wasm writes a file, its version 3 layout
 * messages are rewritten into version 1/2 form, and both our scan and the HDF5 library (h5wasm) read the result.
 * Offsets must equal those of the untouched file, values must equal h5wasm's.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReferenceSet } from "../../../refs/model/reference-set.js";
import { MemorySource } from "../../../refs/storage/memory.js";
import { FormatError } from "../../../scanner/errors.js";
import { scanHdf5 } from "../../../scanner/hdf5/scan.js";
import { compareWithH5wasm, h5wasmReady } from "./h5wasm-oracle.js";
import { layoutSite, oldLayoutMessage, withLayoutMessage } from "./old-layout.js";

const dir = mkdtempSync(join(tmpdir(), "refs-old-layout-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let original: Uint8Array;

beforeAll(async () => {
  const h5 = await h5wasmReady();
  const path = join(dir, "original.h5");
  // ["earliest", "latest"]: superblock 0 and version 1 object headers, as old files have
  const f = new h5.File(path, "w", { libver: ["earliest", "latest"] } as never);
  const swath = new Float32Array(3495).map((_, i) => i * 0.25 - 100);
  f.create_dataset({
    name: "swath",
    data: swath,
    shape: [3495],
    chunks: [120],
    compression: "gzip",
  } as never);
  const grid = new Int16Array(60).map((_, i) => i * 7 - 200);
  f.create_dataset({ name: "grid", data: grid, shape: [6, 10], chunks: [4, 4] } as never);
  f.create_dataset({
    name: "plain",
    data: new Float64Array(35).map((_, i) => i / 3),
    shape: [5, 7],
  } as never);
  f.close();
  original = new Uint8Array(readFileSync(path));
});

const u64 = (bytes: Uint8Array, at: number) =>
  Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(at, true));

/** Address in a version 3 layout message: after version, class and (chunked) dimensionality. */
async function addressOf(path: string): Promise<number> {
  const site = await layoutSite(original, path);
  return u64(site.message, site.message[1] === 2 ? 3 : 2);
}

async function rewrite(path: string, body: Uint8Array, name: string) {
  const bytes = withLayoutMessage(original, await layoutSite(original, path), body);
  const local = join(dir, name);
  writeFileSync(local, bytes);
  return { bytes, local };
}

const rangesOf = (refs: ReferenceSet, path: string) => {
  const table = refs.arrays.get(path);
  if (!table) return [];
  return [...table.present()].map((i) => table.get(i));
};

async function scanBytes(bytes: Uint8Array, inlineThreshold = 0) {
  return scanHdf5(new MemorySource("mem://old.h5", bytes), "old.h5", { inlineThreshold });
}

describe("HDF5 layout messages versions 1 and 2", () => {
  for (const version of [1, 2] as const) {
    it(`chunked, version ${version}: a 1-D float32 swath of 3495 values in chunks of 120, deflated`, async () => {
      const body = oldLayoutMessage({
        version,
        layoutClass: 2,
        dims: [120],
        elementSize: 4,
        address: await addressOf("swath"),
      });
      // what the Aura MLS file holds: 8 + 8 + 2 x 4 = 24 bytes, no element-size field after the dimensions
      expect(body.length).toBe(24);
      const { bytes, local } = await rewrite("swath", body, `swath-v${version}.h5`);
      const { refs } = await scanBytes(bytes);
      const before = (await scanBytes(original)).refs;
      expect(refs.metadata.get("swath/.zarray")).toEqual(before.metadata.get("swath/.zarray"));
      expect(refs.metadata.get("swath/.zarray")?.chunks).toEqual([120]);
      expect(rangesOf(refs, "swath")).toEqual(rangesOf(before, "swath"));
      expect(rangesOf(refs, "swath")).toHaveLength(30);
      expect(await compareWithH5wasm(refs, "swath", local)).toBeUndefined();
    });

    it(`chunked, version ${version}: a 2-D int16 [6, 10] in chunks of [4, 4] (dimensionality 3)`, async () => {
      const body = oldLayoutMessage({
        version,
        layoutClass: 2,
        dims: [4, 4],
        elementSize: 2,
        address: await addressOf("grid"),
      });
      const { bytes, local } = await rewrite("grid", body, `grid-v${version}.h5`);
      const { refs } = await scanBytes(bytes);
      expect(refs.metadata.get("grid/.zarray")?.chunks).toEqual([4, 4]);
      expect(rangesOf(refs, "grid")).toEqual(rangesOf((await scanBytes(original)).refs, "grid"));
      expect(await compareWithH5wasm(refs, "grid", local)).toBeUndefined();
    });

    it(`contiguous, version ${version}: the size is the dataset's (no size field)`, async () => {
      const address = await addressOf("plain");
      const body = oldLayoutMessage({ version, layoutClass: 1, dims: [5, 7], elementSize: 8, address });
      const { bytes, local } = await rewrite("plain", body, `plain-v${version}.h5`);
      const { refs } = await scanBytes(bytes);
      expect(rangesOf(refs, "plain")).toEqual([
        { kind: "range", url: "old.h5", offset: address, length: 280 },
      ]);
      expect(await compareWithH5wasm(refs, "plain", local)).toBeUndefined();
    });

    it(`compact, version ${version}: the data follow the dimensions and a 32-bit size`, async () => {
      const address = await addressOf("plain");
      const data = original.slice(address, address + 280);
      const body = oldLayoutMessage({ version, layoutClass: 0, dims: [5, 7], elementSize: 8, data });
      const { bytes, local } = await rewrite("plain", body, `compact-v${version}.h5`);
      const { refs } = await scanBytes(bytes);
      const chunks = rangesOf(refs, "plain");
      expect(chunks).toHaveLength(1);
      expect(chunks[0]?.kind).toBe("inline");
      expect(Array.from((chunks[0] as { data: Uint8Array }).data)).toEqual(Array.from(data));
      expect(await compareWithH5wasm(refs, "plain", local)).toBeUndefined();
    });
  }

  it("refuses a chunk dimension of 4294967295 for a [6, 10] dataset, naming the layout message", async () => {
    const body = oldLayoutMessage({
      version: 2,
      layoutClass: 2,
      dims: [4294967295, 4],
      elementSize: 2,
      address: await addressOf("grid"),
    });
    const { bytes } = await rewrite("grid", body, "grid-huge.h5");
    const error = await scanBytes(bytes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    const message = (error as FormatError).message;
    expect(message).toContain("old.h5");
    expect(message).toContain("object /grid");
    expect(message).toContain("layout message: chunk dimension 0 is 4294967295, expected at most 6");
    expect((error as FormatError).offset).toBe(original.length + ((8 - (original.length % 8)) % 8) + 8);
  });

  it("refuses an element size that is not the datatype's", async () => {
    const body = oldLayoutMessage({
      version: 1,
      layoutClass: 2,
      dims: [4, 4],
      elementSize: 4,
      address: await addressOf("grid"),
    });
    const { bytes } = await rewrite("grid", body, "grid-elsize.h5");
    const error = await scanBytes(bytes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).message).toContain(
      "layout message: element size 4 bytes, expected the datatype's 2",
    );
  });

  it("refuses a dimensionality of 0 and a layout class of 3 in version 1/2", async () => {
    const site = await layoutSite(original, "grid");
    for (const [at, value, text] of [
      [1, 0, "dimensionality 0, expected 1 to 33"],
      [2, 3, "layout class 3, expected 0 to 2"],
    ] as const) {
      const body = oldLayoutMessage({ version: 1, layoutClass: 2, dims: [4, 4], elementSize: 2, address: 0 });
      body[at] = value;
      const error = await scanBytes(withLayoutMessage(original, site, body)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FormatError);
      expect((error as FormatError).message).toContain(text);
    }
  });
});
