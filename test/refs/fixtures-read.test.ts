import { readFileSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readKerchunkJson } from "../../refs/formats/kerchunk-json.js";
import "../../refs/store/codecs/index.js";
import { hasCodec } from "../../refs/store/codecs/index.js";
import { readArray } from "../../refs/store/read-array.js";
import { fixtureFiles, haveFixtures } from "../fixtures.js";
import { firstDifference, h5Values, nc3Values, openerFor } from "./fixture-reads.js";

/**
 * Every array of every HDF5/NetCDF fixture whose kerchunk references are known good (FILES.tsv: OK), read
 * through those references with readArray, equals h5wasm (HDF5/NetCDF4) or netcdfjs (NetCDF3) reading the file.
 * GeoTIFF references need the TIFF codecs (the TIFF helper's), so they are read elsewhere.
 */
describe.skipIf(!haveFixtures)("readArray through kerchunk's fixture references", () => {
  // Kerchunk's reference points into the .h5 file, but the data lives in an external file that is not shipped.
  const skip = new Set(["h5ex_d_extern.h5"]);
  const files = fixtureFiles().filter(
    (f) =>
      f.kerchunkPath &&
      f.kerchunkChecked === "OK" &&
      f.format !== "tiff" &&
      !skip.has(f.file) &&
      // The few fixtures with 100k+ chunk refs (P071.CDF, NEON) take most of a minute on a shared machine.
      statSync(f.kerchunkPath).size < 4_000_000,
  );

  it("equals the independent reader for every comparable array", { timeout: 120_000 }, async () => {
    const failures: string[] = [];
    let compared = 0;
    for (const f of files) {
      const refs = readKerchunkJson(readFileSync(f.kerchunkPath as string, "utf8"), { file: f.kerchunkPath });
      for (const path of refs.arrays.keys()) {
        const z = refs.metadata.get(`${path}/.zarray`);
        const ids = [z?.compressor, ...((z?.filters as unknown[]) ?? [])].map(
          (c) => (c as { id?: string })?.id,
        );
        if (ids.some((id) => id && !hasCodec(id) && id !== "json2" && id !== "vlen-utf8")) continue;
        const shape = (z?.shape as number[]) ?? [];
        const theirs = f.format === "netcdf3" ? nc3Values(f.path, path, shape) : await h5Values(f.path, path);
        if (theirs === null) continue;
        // No chunk stored at all (netCDF NOFILL): the file holds no values, h5wasm shows whatever memory held.
        if (f.format !== "netcdf3" && [...(refs.arrays.get(path)?.present() ?? [])].length === 0) continue;
        try {
          const ours = await readArray(refs, path, { open: openerFor(f.path) });
          const text = f.format === "netcdf3" && ours.dtype.startsWith("|S");
          const values = text ? [(ours.data as string[]).join("")] : (ours.data as ArrayLike<unknown>);
          const diff = firstDifference(values, theirs);
          if (diff) failures.push(`${f.origin}/${f.file} ${path} (${ours.dtype}): ${diff}`);
        } catch (error) {
          failures.push(`${f.origin}/${f.file} ${path}: ${(error as Error).message}`);
        }
        compared++;
      }
    }
    expect(failures).toEqual([]);
    expect(compared).toBeGreaterThan(300);
  });

  it("decodes kerchunk's zstd and blosc test files (h5wasm has no plugin for them) to their 0..n-1 ramps", async () => {
    for (const name of [
      "hdf5_mini_zstd.h5",
      "hdf5_mini_shuffle_zstd.h5",
      "hdf5_compression_zstd.h5",
      "hdf5_compression_blosc_lz4_bitshuffle.h5",
    ]) {
      const f = fixtureFiles().find((x) => x.file === name);
      if (!f?.kerchunkPath) throw new Error(`fixture ${name} missing`);
      const refs = readKerchunkJson(readFileSync(f.kerchunkPath, "utf8"));
      const { data } = await readArray(refs, "data", { open: openerFor(f.path) });
      expect(Array.from(data as ArrayLike<number | bigint>, Number), name).toEqual(
        Array.from({ length: data.length }, (_, i) => i),
      );
    }
  });
});
