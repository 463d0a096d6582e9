/**
 * Failure modes: not HDF5, truncated, corrupt (random byte flips must end in a ScanError, never a hang or a
 * stray exception), link cycles, and unsupported features raising or being reported per onError.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
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

    it(`truncated files fail with a FormatError naming the offset (libver ${libver})`, async () => {
      const bytes = await sample(libver);
      for (const keep of [64, 300, 800, Math.floor(bytes.length / 2)]) {
        const error = await scanHdf5(new MemorySource("mem://cut.h5", bytes.slice(0, keep)), "cut.h5").catch(
          (e: unknown) => e,
        );
        if (error === undefined || !(error instanceof Error)) continue; // the metadata may all lie before the cut
        expect(error).toBeInstanceOf(ScanError);
        expect((error as ScanError).message).toMatch(/byte offset \d+/);
      }
    });

    it(`random corruption ends in a result or a ScanError, never a hang (libver ${libver})`, async () => {
      const bytes = await sample(libver);
      let seed = 12345;
      const random = () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      for (let round = 0; round < 150; round++) {
        const copy = bytes.slice();
        for (let k = 0; k < 4; k++)
          copy[Math.floor(random() * Math.min(copy.length, 4096))] = Math.floor(random() * 256);
        const outcome = await scanHdf5(new MemorySource("mem://fuzz.h5", copy), "fuzz.h5", {
          onError: "warn",
        }).then(
          () => undefined,
          (e: unknown) => e,
        );
        if (outcome !== undefined) expect(outcome, String(outcome)).toBeInstanceOf(ScanError);
      }
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
        /ref_szip\.h5 \(object \/\w+\): unsupported: szip filter/,
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
