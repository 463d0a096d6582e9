/**
 * Version 1 B-tree chunk keys have no checksum, and the HDF5 library finds chunks by searching them: a damaged
 * key makes it miss or mistake chunks. Our scan must fail naming the B-tree node instead of listing the chunks
 * anyway (before: a zeroed last key or a key off the chunk grid scanned with exit 0, values differing from HDF5's).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemorySource } from "../../../refs/storage/memory.js";
import { FormatError } from "../../../scanner/errors.js";
import { scanHdf5 } from "../../../scanner/hdf5/scan.js";
import { h5wasmReady } from "./h5wasm-oracle.js";

const dir = mkdtempSync(join(tmpdir(), "refs-btree-keys-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let bytes: Uint8Array;
/** Offset of the chunk B-tree node ("TREE", node type 1). */
let node = -1;

beforeAll(async () => {
  const h5 = await h5wasmReady();
  const path = join(dir, "v1.h5");
  const f = new h5.File(path, "w", { libver: ["earliest", "latest"] } as never);
  f.create_dataset({
    name: "grid",
    data: new Int16Array(60).map((_, i) => i),
    shape: [6, 10],
    chunks: [4, 4],
  } as never);
  f.close();
  bytes = new Uint8Array(readFileSync(path));
  for (let i = bytes.indexOf(0x54); i >= 0; i = bytes.indexOf(0x54, i + 1))
    if (String.fromCharCode(...bytes.subarray(i, i + 4)) === "TREE" && bytes[i + 4] === 1) node = i;
});

/** Byte offset of key `k` of the node (header 8 + 2 x 8 sibling addresses; entries of key 32 + child 8 bytes). */
const keyAt = (k: number) => node + 24 + k * 40;

async function failure(mutant: Uint8Array): Promise<FormatError> {
  const error = await scanHdf5(new MemorySource("mem://k.h5", mutant), "k.h5").catch((e: unknown) => e);
  expect(error).toBeInstanceOf(FormatError);
  expect((error as FormatError).offset).toBe(node);
  expect((error as FormatError).message).toContain("object /grid");
  return error as FormatError;
}

describe("v1 B-tree chunk keys", () => {
  it("the untouched file lists its 6 chunks", async () => {
    expect(node).toBeGreaterThan(0);
    const { refs } = await scanHdf5(new MemorySource("mem://k.h5", bytes), "k.h5");
    expect(refs.arrays.get("grid")?.count).toBe(6);
  });

  it("a zeroed last key (the bound after the last chunk) fails", async () => {
    const mutant = bytes.slice();
    mutant.fill(0, keyAt(6), keyAt(6) + 32);
    expect((await failure(mutant)).detail).toMatch(/^v1 B-tree chunk key: last key 0,0,0 does not follow /);
  });

  it("a key off the chunk grid, and two keys swapped, fail", async () => {
    const off = bytes.slice();
    new DataView(off.buffer).setUint32(keyAt(1) + 8 + 8, 5, true); // dimension 1 offset 4 -> 5
    expect((await failure(off)).detail).toContain(
      "offset 5 in dimension 1 is not a multiple of the chunk size 4",
    );
    const swapped = bytes.slice();
    swapped.set(bytes.subarray(keyAt(0), keyAt(0) + 32), keyAt(1));
    swapped.set(bytes.subarray(keyAt(1), keyAt(1) + 32), keyAt(0));
    expect((await failure(swapped)).detail).toContain("does not follow");
  });
});
