/**
 * Real series from the fixtures: kerchunk 0.2.7's per-file references (readKerchunkJson) combined here, then every
 * file's block of each variable read through the combined set and compared with h5wasm reading the file itself.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fromFile } from "geotiff";
import { describe, expect, it } from "vitest";
import {
  type CombineInput,
  type CombineResult,
  combineReferenceSets,
  detectConcatDim,
} from "../../refs/combine/index.js";
import { readKerchunkJson } from "../../refs/formats/kerchunk-json.js";
import type { ReferenceSet } from "../../refs/model/reference-set.js";
import { readArray } from "../../refs/store/index.js"; // its index registers the codecs (combine no longer imports the store)
import { fixturesDir, haveFixtures } from "../fixtures.js";
import { firstDifference, folderOpener, h5Values } from "./fixture-reads.js";

const folder = join(fixturesDir, "padocc");
const open = folderOpener(folder);
const readCoordinate = async (_url: string, refs: ReferenceSet, path: string) =>
  (await readArray(refs, path, { open })).data;

function load(name: string): CombineInput {
  const text = readFileSync(join(folder, `${name}.kerchunk.json`), "utf8");
  return { url: name, refs: readKerchunkJson(text, { file: name }) };
}

const numbers = (values: ArrayLike<unknown>) => Array.from(values, (v) => Number(v));

/**
 * For every input and variable: the region of the combined array the file occupies (its concat coordinate
 * positions; dimensions the variable lacks in the file are one step, repeated over the file's steps) equals
 * h5wasm's values of the variable in the file.
 */
async function expectBlocksEqual(result: CombineResult, inputs: CombineInput[], variables: string[]) {
  for (const input of inputs) {
    const path = join(folder, input.url);
    const positions: Record<string, number[]> = {};
    for (const dim of result.concatDims) {
      const own = input.refs.arrays.has(dim) ? numbers(await readCoordinate(input.url, input.refs, dim)) : [];
      positions[dim] = own.map((v) => (result.coordinates[dim] as number[]).indexOf(v));
    }
    for (const name of variables) {
      const dims = result.refs.metadata.get(`${name}/.zattrs`)?._ARRAY_DIMENSIONS as string[];
      const shape = result.refs.metadata.get(`${name}/.zarray`)?.shape as number[];
      const ownDims = (input.refs.metadata.get(`${name}/.zattrs`)?._ARRAY_DIMENSIONS as string[]) ?? [];
      const region = dims.map((dim, d): [number, number] => {
        const p = positions[dim];
        if (!p) return [0, shape[d] as number];
        // A dimension the variable lacks: compare the file's first step (later steps repeat the same chunks).
        const steps = ownDims.includes(dim) ? p.length : 1;
        return [p[0] as number, (p[0] as number) + steps];
      });
      const ours = await readArray(result.refs, name, { open, region });
      const theirs = await h5Values(path, name);
      expect(theirs, `${input.url} ${name}`).not.toBeNull();
      expect(
        firstDifference(numbers(ours.data as ArrayLike<unknown>), numbers(theirs as ArrayLike<unknown>)),
        `${input.url} ${name}`,
      ).toBeUndefined();
    }
  }
}

describe.skipIf(!haveFixtures)(
  "combining fixture series (kerchunk 0.2.7 references) read back equal to h5wasm",
  () => {
    it("padocc 1DAgg file0 + file1 along time (detected), one step each", async () => {
      const inputs = [load("1DAgg_file1.nc"), load("1DAgg_file0.nc")];
      const dim = await detectConcatDim(inputs, { readCoordinate });
      expect(dim).toBe("time");
      const result = await combineReferenceSets(inputs, {
        concatDims: [dim],
        identicalDims: ["lon"],
        readCoordinate,
      });
      expect(result.order).toEqual(["1DAgg_file0.nc", "1DAgg_file1.nc"]);
      expect(result.coordinates.time).toEqual([0, 1]);
      expect(result.refs.metadata.get("rain/.zarray")).toMatchObject({
        shape: [2, 10, 20],
        chunks: [1, 10, 20],
      });
      expect(result.refs.metadata.get("lat_projection/.zattrs")?._ARRAY_DIMENSIONS).toEqual(["time", "lat"]);
      await expectBlocksEqual(result, inputs, ["rain", "lat_projection", "height", "time"]);
      // Coordinates of other dimensions come from the first file.
      expect(numbers((await readArray(result.refs, "lat", { open })).data)).toEqual(
        numbers((await h5Values(join(folder, "1DAgg_file0.nc"), "lat")) ?? []),
      );
    });

    it("padocc example1.0 + example1.1: two steps per file, chunks of two along time, CF units kept", async () => {
      const inputs = [load("example1.1.nc"), load("example1.0.nc")];
      const result = await combineReferenceSets(inputs, {
        concatDims: ["time"],
        identicalDims: ["latitude", "longitude"],
        readCoordinate,
      });
      expect(result.coordinates.time).toEqual([1, 2, 3, 4]);
      expect(result.time.time).toMatchObject({ units: "days since 2018-12-01", reencoded: [] });
      expect(result.refs.metadata.get("p/.zarray")).toMatchObject({
        shape: [4, 180, 360],
        chunks: [2, 180, 360],
      });
      await expectBlocksEqual(result, inputs, ["p", "time"]);
    });

    it("padocc 1DAgg file0/file1 + 3DAgg file2 along time and lat: the missing (time 1, lat 10..19) block is fill", async () => {
      const inputs = [load("3DAgg_file2.nc"), load("1DAgg_file1.nc"), load("1DAgg_file0.nc")];
      const result = await combineReferenceSets(inputs, { concatDims: ["time", "lat"], readCoordinate });
      expect(result.coordinates.lat).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(result.refs.metadata.get("rain/.zarray")).toMatchObject({
        shape: [2, 20, 20],
        chunks: [1, 10, 20],
      });
      await expectBlocksEqual(result, inputs, ["rain", "lat_projection", "time", "lat"]);
      const hole = await readArray(result.refs, "rain", {
        open,
        region: [
          [1, 2],
          [10, 20],
          [0, 20],
        ],
      });
      expect(Array.from(hole.data as Float64Array).every((v) => v === 7)).toBe(true); // rain's fill_value
    });

    it("kerchunk lcmap COGs 2019 + 2020 along a new year dim from the file name: each year equals geotiff.js", async () => {
      const cogs = join(fixturesDir, "kerchunk");
      const openCog = folderOpener(cogs);
      const inputs = ["lcmap_tiny_cog_2020.tif", "lcmap_tiny_cog_2019.tif"].map((name) => ({
        url: name,
        refs: readKerchunkJson(readFileSync(join(cogs, `${name}.kerchunk.json`), "utf8"), { file: name }),
      }));
      const result = await combineReferenceSets(inputs, {
        concatDims: ["year"],
        coordinates: { year: { from: "pattern", pattern: /_(?<year>\d{4})\.tif$/, group: "year" } },
      });
      expect(result.coordinates.year).toEqual([2019, 2020]);
      expect(result.refs.metadata.get("0/.zarray")).toMatchObject({
        shape: [2, 2048, 2048],
        chunks: [1, 512, 512],
      });
      expect(result.refs.metadata.get("2/.zattrs")?._ARRAY_DIMENSIONS).toEqual(["year", "Y2", "X2"]);
      for (const [y, name] of ["lcmap_tiny_cog_2019.tif", "lcmap_tiny_cog_2020.tif"].entries()) {
        const tiff = await fromFile(join(cogs, name));
        for (const [level, array] of [
          [0, "0"],
          [2, "2"],
        ] as const) {
          const image = await tiff.getImage(level);
          const theirs = (await image.readRasters({ interleave: true })) as unknown as ArrayLike<number>;
          const shape = result.refs.metadata.get(`${array}/.zarray`)?.shape as number[];
          const region: Array<[number, number]> = [
            [y, y + 1],
            [0, shape[1] as number],
            [0, shape[2] as number],
          ];
          const ours = await readArray(result.refs, array, { open: openCog, region });
          const diff = firstDifference(numbers(ours.data as ArrayLike<unknown>), numbers(theirs));
          expect(diff, `${name} ${array}`).toBeUndefined();
        }
      }
    });
  },
);
