/**
 * Failure modes: not HDF5, truncated, corrupt (random byte flips must end in a ScanError, never a hang or a
 * stray exception), link cycles, and unsupported features raising or being reported per onError.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ReferenceSet } from "../../../refs/model/reference-set.js";
import { FileSource } from "../../../refs/storage/file.js";
import { MemorySource } from "../../../refs/storage/memory.js";
import { FormatError, ScanError, UnsupportedFeatureError } from "../../../scanner/errors.js";
import { scanHdf5 } from "../../../scanner/hdf5/scan.js";
import { fixturesDir, haveFixtures } from "../../fixtures.js";
import { h5wasmReady } from "./h5wasm-oracle.js";

const dir = mkdtempSync(join(tmpdir(), "refs-hdf5-err-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function sample(libver: "earliest" | "latest"): Promise<Uint8Array> {
  const h5 = await h5wasmReady();
  const path = join(dir, `s-${libver}.h5`);
  const f = new h5.File(path, "w", { libver });
  f.create_attribute("a", "x");
  const g = f.create_group("g");
  g.create_dataset({
    name: "d",
    data: new Float32Array(64),
    shape: [8, 8],
    chunks: [4, 4],
    compression: "gzip",
  });
  g.create_dataset({ name: "s", data: ["a", "bc"], shape: [2] });
  f.create_dataset({ name: "c", data: new Int32Array(10), shape: [10] });
  f.create_hard_link("/", "g/loop"); // a cycle: /g/loop is the root group
  f.close();
  return new Uint8Array(readFileSync(path));
}

/** References as plain data, to compare two scans. */
function snapshot(refs: ReferenceSet): unknown {
  const arrays = [...refs.arrays].map(([path, table]) => [
    path,
    [...table.present()].map((f) => table.get(f)),
  ]);
  return { metadata: [...refs.metadata], arrays };
}

describe("hdf5 scanner failure modes", () => {
  it("rejects a file that is not HDF5, naming the byte offset", async () => {
    const source = new MemorySource(
      "mem://text.h5",
      new TextEncoder().encode("this is not an HDF5 file at all"),
    );
    const error = await scanHdf5(source, "text.h5").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).offset).toBe(0);
    expect((error as FormatError).message).toContain("mem://text.h5");
  });

  const notHdf5 = join(fixturesDir, "hdf5-json/notahdf5file.h5");
  it.skipIf(!existsSync(notHdf5))("rejects the fixtures' not-HDF5 file", async () => {
    await expect(scanHdf5(new FileSource(notHdf5), "notahdf5file.h5")).rejects.toThrow(FormatError);
  });

  for (const libver of ["earliest", "latest"] as const) {
    it(`walks a hard-link cycle once (libver ${libver})`, async () => {
      const bytes = await sample(libver);
      const { refs } = await scanHdf5(new MemorySource("mem://s.h5", bytes), "s.h5");
      expect([...refs.arrays.keys()].sort()).toEqual(["c", "g/d", "g/s"]);
      expect(refs.metadata.has("g/loop/.zgroup")).toBe(false);
    });

    it(`every cut into the file fails with a ScanError naming file and offset; cuts into trailing space lose nothing (libver ${libver})`, async () => {
      const file = await sample(libver);
      // HDF5 leaves no slack at the end of these files, so every cut removes bytes the references need. 512
      // bytes of trailing space (as a file pre-allocated by its writer has) give the cuts that must succeed.
      const bytes = new Uint8Array(file.length + 512);
      bytes.set(file);
      const full = await scanHdf5(new MemorySource("mem://cut.h5", bytes), "cut.h5");
      const expected = snapshot(full.refs);
      for (let keep = 0; keep <= bytes.length; keep += 16) {
        const cut = new MemorySource("mem://cut.h5", bytes.slice(0, keep));
        const outcome = await scanHdf5(cut, "cut.h5").then(
          (r) => r,
          (e: unknown) => e,
        );
        if (keep < file.length) {
          expect(outcome, `cut at ${keep} of ${file.length} gave no error`).toBeInstanceOf(ScanError);
          const error = outcome as ScanError;
          expect(error.offset, error.message).toBeTypeOf("number");
          expect(error.message).toMatch(/cut\.h5 \((object [^,)]*, )?byte offset \d+\)/);
        } else {
          expect(outcome, `cut at ${keep}, past the last byte of ${file.length}`).not.toBeInstanceOf(Error);
          expect(snapshot((outcome as Awaited<typeof full>).refs), `cut at ${keep}`).toEqual(expected);
        }
      }
    });

    it(`random corruption ends in a result or a ScanError, never a hang (libver ${libver})`, async () => {
      const bytes = await sample(libver);
      let seed = 12345;
      const random = () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      let thrown = 0;
      let reported = 0;
      for (let round = 0; round < 150; round++) {
        const copy = bytes.slice();
        for (let k = 0; k < 4; k++)
          copy[Math.floor(random() * Math.min(copy.length, 4096))] = Math.floor(random() * 256);
        const outcome = await scanHdf5(new MemorySource("mem://fuzz.h5", copy), "fuzz.h5", {
          onError: "warn",
        }).then(
          (r) => r,
          (e: unknown) => e,
        );
        if (outcome instanceof Error) {
          expect(outcome, String(outcome)).toBeInstanceOf(ScanError);
          expect(outcome.message).toMatch(/fuzz\.h5 \((object [^,)]*, )?byte offset \d+\)/);
          thrown++;
        } else {
          // Objects left out are reported with the same precision.
          for (const issue of (outcome as { issues: { message: string }[] }).issues) {
            expect(issue.message).toMatch(/fuzz\.h5 \((object [^,)]*, )?byte offset \d+\)/);
            reported++;
          }
        }
      }
      expect(thrown + reported).toBeGreaterThan(0); // the corruption reached the parser
    }, 60_000);
  }

  it.skipIf(!haveFixtures)(
    "an unsupported filter raises by default and is reported with onError warn",
    async () => {
      const path = join(fixturesDir, "netcdf-c/ref_szip.h5");
      const error = await scanHdf5(new FileSource(path), "ref_szip.h5").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnsupportedFeatureError);
      expect((error as UnsupportedFeatureError).feature).toBe("szip filter");
      expect((error as UnsupportedFeatureError).message).toMatch(
        /ref_szip\.h5 \(object \/\w+, byte offset \d+\): unsupported: szip filter/,
      );
      for (const onError of ["warn", "skip"] as const) {
        const { refs, issues } = await scanHdf5(new FileSource(path), "ref_szip.h5", { onError });
        expect(issues).toHaveLength(1);
        expect(issues[0]?.feature).toBe("szip filter");
        expect(refs.arrays.size).toBe(0);
        expect(refs.metadata.has(".zgroup")).toBe(true);
      }
    },
  );
});
