/**
 * HDF5 metadata checksums (Jenkins lookup3): checked against the algorithm's published vectors, then on a file
 * h5wasm writes with every checksummed structure we read. For each structure the checksum field is found
 * independently (the first 4 bytes after the signature that hold lookup3 of what precedes them), the last byte it
 * covers is flipped, and the scan must fail naming that structure, its offset and "incorrect metadata checksum"
 * (as the HDF5 library does), instead of reading the changed bytes (before: chunks dropped or mis-pointed, exit 0).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemorySource } from "../../../refs/storage/memory.js";
import { FormatError } from "../../../scanner/errors.js";
import { lookup3 } from "../../../scanner/hdf5/checksum.js";
import { scanHdf5 } from "../../../scanner/hdf5/scan.js";
import { h5wasmReady } from "./h5wasm-oracle.js";

const dir = mkdtempSync(join(tmpdir(), "refs-checksums-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let bytes: Uint8Array;

beforeAll(async () => {
  const h5 = await h5wasmReady();
  const path = join(dir, "latest.h5");
  const f = new h5.File(path, "w", { libver: "latest" } as never);
  const ramp = (n: number) => new Int32Array(n).map((_, i) => i);
  // 900 chunks in a v2 B-tree (leaves and an internal node), 2000 in an extensible array (secondary blocks),
  // 1600 in a paged fixed array, 40 links in a fractal heap
  f.create_dataset({
    name: "bt2",
    data: ramp(3600),
    shape: [60, 60],
    maxshape: [null, null],
    chunks: [2, 2],
  } as never);
  f.create_dataset({ name: "ext", data: ramp(2000), shape: [2000], maxshape: [null], chunks: [1] } as never);
  f.create_dataset({ name: "fixed", data: ramp(1600), shape: [40, 40], chunks: [1, 1] } as never);
  const g = f.create_group("many");
  for (let i = 0; i < 40; i++) g.create_group(`child_with_a_longer_name_${i}`);
  f.close();
  bytes = new Uint8Array(readFileSync(path));
});

/** Offset of the checksum of the structure at `at`: the first place whose 4 bytes are lookup3 of [at, there). */
function checksumAt(at: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  for (let end = at + 8; end + 4 <= bytes.length && end < at + 65536; end++)
    if (view.getUint32(end, true) === lookup3(bytes.subarray(at, end))) return end;
  throw new Error(`no checksum after ${at}`);
}

function signatures(signature: string): number[] {
  const out: number[] = [];
  const s = Array.from(signature, (c) => c.charCodeAt(0));
  for (let i = bytes.indexOf(s[0] as number); i >= 0; i = bytes.indexOf(s[0] as number, i + 1))
    if (s.every((b, k) => bytes[i + k] === b)) out.push(i);
  return out;
}

describe("HDF5 metadata checksums", () => {
  it("lookup3 gives the published hashlittle values", () => {
    expect(lookup3(new Uint8Array(0))).toBe(0xdeadbeef);
    const text = new TextEncoder().encode("Four score and seven years ago");
    expect(lookup3(text)).toBe(0x17770551);
    expect(lookup3(text, 1)).toBe(0xcd628161);
  });

  it("the untouched file scans", async () => {
    const { refs } = await scanHdf5(new MemorySource("mem://ok.h5", bytes), "ok.h5");
    expect(refs.arrays.get("bt2")?.count).toBe(900);
  });

  const cases: Array<[string, string]> = [
    ["\x89HDF", "superblock version 3"],
    ["OHDR", "object header (version 2)"],
    ["BTHD", "v2 B-tree header"],
    ["BTIN", "v2 B-tree internal node"],
    ["BTLF", "v2 B-tree leaf node"],
    ["FAHD", "fixed array header"],
    ["FADB", "fixed array data block"],
    ["EAHD", "extensible array header"],
    ["EAIB", "extensible array index block"],
    ["EASB", "extensible array secondary block"],
    ["EADB", "extensible array data block"],
    ["FRHP", "fractal heap header"],
    ["FHIB", "fractal heap indirect block"],
  ];
  for (const [signature, what] of cases) {
    it(`a byte changed in a ${what} fails the scan naming it and its offset`, async () => {
      const found = signatures(signature);
      expect(found.length, `${signature} in the file`).toBeGreaterThan(0);
      let failures = 0;
      // the first few of each kind (structures of one kind can belong to datasets read in any order)
      for (const at of found.slice(0, 3)) {
        const end = checksumAt(at);
        const mutant = bytes.slice();
        mutant[end - 1] = (mutant[end - 1] as number) ^ 0x10;
        const error = await scanHdf5(new MemorySource("mem://bad.h5", mutant), "bad.h5").catch(
          (e: unknown) => e,
        );
        expect(error, `${what} at ${at}`).toBeInstanceOf(FormatError);
        const e = error as FormatError;
        expect(e.message).toContain("mem://bad.h5");
        if (e.detail.startsWith(`${what}`) && e.detail.includes("incorrect metadata checksum")) {
          expect(e.offset).toBe(at);
          failures++;
        }
      }
      expect(failures, `errors naming the ${what}`).toBeGreaterThan(0);
    });
  }

  // A direct block's checksum sits in its prefix and covers the whole block with that field zeroed, so it is
  // found differently: after "FHDB", version, heap header address (8) and block offset (the heap's offset width).
  it("direct blocks of the link heap are checksummed (header flag), and the untouched ones verify", () => {
    const [header] = signatures("FRHP");
    expect(((bytes[(header as number) + 4 + 1 + 2 + 2] as number) & 0x02) !== 0).toBe(true);
    const blocks = signatures("FHDB");
    expect(blocks.length).toBeGreaterThan(0);
    for (const at of blocks) expect(directChecksum(at).stored).toBe(directChecksum(at).computed);
  });

  it("a byte changed in a fractal heap direct block (a link's name) fails naming it and its offset", async () => {
    for (const at of signatures("FHDB")) {
      const { field } = directChecksum(at);
      const mutant = bytes.slice();
      mutant[field + 4 + 10] = (mutant[field + 4 + 10] as number) ^ 0x01;
      const error = await scanHdf5(new MemorySource("mem://bad.h5", mutant), "bad.h5").catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(FormatError);
      const e = error as FormatError;
      expect(e.detail).toMatch(
        /^fractal heap direct block: incorrect metadata checksum \(stored 0x[0-9a-f]{8}, computed/,
      );
      expect(e.offset).toBe(at);
      expect(e.message).toContain("mem://bad.h5");
    }
  });
});

/** The checksum field of the direct block at `at`, what it holds and what the block hashes to without it. */
function directChecksum(at: number): { field: number; stored: number; computed: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const [header] = signatures("FRHP");
  // after 14 bytes of fixed fields and twelve 8-byte ones: table width (2), starting block size (8), maximum
  // direct block size (8), maximum heap size in bits (2)
  const table = (header as number) + 14 + 8 * 12;
  const startSize = Number(view.getBigUint64(table + 2, true));
  const maxHeapBits = view.getUint16(table + 2 + 8 + 8, true);
  const field = at + 4 + 1 + 8 + Math.ceil(maxHeapBits / 8);
  const block = bytes.slice(at, at + startSize);
  const stored = view.getUint32(field, true);
  block.fill(0, field - at, field - at + 4);
  return { field, stored, computed: lookup3(block) };
}
