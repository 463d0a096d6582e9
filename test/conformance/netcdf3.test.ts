/**
 * NetCDF3 conformance against real files: for every fixture with kerchunk references, the same keys, offsets,
 * lengths and .zarray (with defaultFillValues off, which is kerchunk's null fill). Deliberate differences:
 * - attributes are JSON values (numbers, arrays, strings) where kerchunk writes Python str() of numpy values
 *   ("[-1. -2.]"): compared numerically here;
 * - by default we write NetCDF's default fill value where kerchunk writes null (checked in the unit tests).
 * Values read through our references (refs/store readArray) must equal netcdfjs (an independent reader) for every
 * numeric variable of every fixture.
 */
import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { NetCDFReader } from "netcdfjs";
import { describe, expect, it } from "vitest";
import type { JsonValue } from "../../refs/model/reference-set.js";
import "../../refs/store/codecs/index.js";
import { FileSource } from "../../refs/storage/file.js";
import { readArray } from "../../refs/store/read-array.js";
import { scanNetCDF3 } from "../../scanner/netcdf3/index.js";
import { fixtureFiles, haveFixtures } from "../fixtures.js";
import { flatten, readKerchunk } from "../scanner/netcdf3/kerchunk-refs.js";

const files = fixtureFiles().filter((f) => f.format === "netcdf3");

/** kerchunk wrote str(numpy value); parse it back to numbers where ours is numeric. */
function sameAttribute(theirs: JsonValue | undefined, ours: JsonValue | undefined): boolean {
  // kerchunk writes float(str(v)) for scale_factor/add_offset: the float32 printed short, re-read as double.
  if (typeof theirs === "number" && typeof ours === "number")
    return theirs === ours || Math.fround(theirs) === ours;
  if (typeof theirs !== "string" || typeof ours === "string")
    return JSON.stringify(theirs) === JSON.stringify(ours);
  const oursList = (Array.isArray(ours) ? ours : [ours]).map((v) => (v === "NaN" ? Number.NaN : Number(v)));
  const text = theirs.replace(/^\[|\]$/g, "").trim();
  const theirList = text.split(/\s+/).map((s) => (s === "nan" ? Number.NaN : Number(s)));
  if (theirList.length !== oursList.length) return false;
  return theirList.every((t, i) => {
    const o = oursList[i] as number;
    if (Number.isNaN(t)) return Number.isNaN(o);
    // numpy prints float32 with the shortest repr that round-trips float32, and arrays with 8 digits.
    return t === o || Math.fround(t) === o || Math.abs(t - o) <= 1e-7 * Math.abs(o);
  });
}

describe.skipIf(!haveFixtures)("NetCDF3 fixtures vs kerchunk", () => {
  for (const f of files.filter((f) => f.kerchunkPath)) {
    it(`${f.origin}/${f.file} (${f.kerchunkChecked})`, async () => {
      const { refs } = await scanNetCDF3(new FileSource(f.path), f.file, {
        inlineThreshold: 0,
        defaultFillValues: false,
      });
      const ours = flatten(refs);
      const theirs = readKerchunk(f.kerchunkPath as string);
      expect([...ours.chunks.keys()].filter((k) => !theirs.chunks.has(k))).toEqual([]); // keys kerchunk lacks
      // one assertion over all chunks (P071.CDF has 471,629): the keys that differ
      const differing = [...theirs.chunks].filter(
        ([key, ref]) => !isDeepStrictEqual(ours.chunks.get(key), ref),
      );
      expect(differing.map(([key]) => key)).toEqual([]);
      expect([...ours.metadata.keys()].sort()).toEqual([...theirs.metadata.keys()].sort());
      for (const [key, doc] of theirs.metadata) {
        const mine = ours.metadata.get(key) ?? {};
        if (!key.endsWith(".zattrs")) {
          expect(mine, key).toEqual(doc);
          continue;
        }
        expect(Object.keys(mine).sort(), key).toEqual(Object.keys(doc).sort());
        for (const name of Object.keys(doc)) {
          expect(
            sameAttribute(doc[name], mine[name]),
            `${key} ${name}: ${doc[name]} vs ${JSON.stringify(mine[name])}`,
          ).toBe(true);
        }
      }
    });
  }
});

/**
 * netcdfjs returns record variables as one entry (value or array) per record. It reads vsize bytes per record,
 * which includes the padding to 4 bytes (so a record of 3 shorts comes back as 4 values): keep the first
 * `perRecord` values of each. It also reads NC_BYTE unsigned (the format says signed): compare bytes mod 256.
 */
function netcdfjsValues(
  values: (string | number | number[])[],
  perRecord: number,
  isRecord: boolean,
): number[] {
  const out: number[] = [];
  for (const v of values) {
    const list = Array.isArray(v) ? v : [v as number];
    for (const x of isRecord ? list.slice(0, perRecord) : list) out.push(x);
  }
  return out;
}

function sameNumbers(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]) || x === b[i]);
}

describe.skipIf(!haveFixtures)("NetCDF3 fixtures: values through our references equal netcdfjs", () => {
  for (const f of files) {
    it(`${f.origin}/${f.file}`, async () => {
      const bytes = readFileSync(f.path);
      const reader = new NetCDFReader(bytes);
      const { refs } = await scanNetCDF3(new FileSource(f.path), f.file, { inlineThreshold: 0 });
      let compared = 0;
      for (const variable of reader.variables) {
        // netcdfjs keeps trailing NULs of names ("yy\0"); NetCDF, scipy and we drop them.
        const name = variable.name.replace(/\0+$/, "");
        const table = refs.arrays.get(name);
        const zarray = refs.metadata.get(`${name}/.zarray`);
        expect(table, variable.name).toBeDefined();
        const dtype = String(zarray?.dtype);
        // netcdfjs gives chars as text with NULs dropped: not comparable byte for byte
        if (dtype === "|S1") continue;
        const read = await readArray(refs, name, { open: () => new FileSource(f.path) });
        const ours = Array.from(read.data as ArrayLike<number | bigint>, Number);
        const shape = zarray?.shape as number[];
        const perRecord = shape.slice(1).reduce((a, b) => a * b, 1);
        const theirs = netcdfjsValues(reader.getDataVariable(variable), perRecord, variable.record);
        if (dtype === "|i1") for (let i = 0; i < ours.length; i++) ours[i] = (ours[i] as number) & 0xff;
        // netcdfjs reads vsize bytes for fixed variables, which includes padding to 4 bytes: compare our length
        expect(
          sameNumbers(ours, theirs.slice(0, ours.length)),
          `${variable.name}: ${ours.slice(0, 8)} vs ${theirs.slice(0, 8)}`,
        ).toBe(true);
        compared++;
      }
      expect(compared).toBeGreaterThan(0);
    });
  }
});
