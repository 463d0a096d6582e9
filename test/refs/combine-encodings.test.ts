/**
 * Per-file encodings in the pure combine (refs/combine/per-file-encodings.ts) on in-memory files: packing carried
 * per file along two concat dimensions, refused on request, differing missing-value attributes and units refused,
 * bounds with units of their own re-encoded, appends onto per-file packing refused (the caller combines in full).
 */
import { describe, expect, it } from "vitest";
import {
  ArrayMismatchError,
  appendReferenceSets,
  CombineError,
  combineReferenceSets,
  detectConcatDim,
  PackingMismatchError,
} from "../../refs/combine/index.js";
import type { JsonObject } from "../../refs/model/reference-set.js";
import { MemoryFiles } from "./combine-helpers.js";

function packedFile(
  files: MemoryFiles,
  url: string,
  t0: number,
  member: number,
  attrs: JsonObject,
  timeAttrs: JsonObject = { units: "hours since 2000-01-01" },
) {
  return files.add(url, [
    {
      name: "time",
      dims: ["time"],
      shape: [2],
      dtype: "<f8",
      value: ([i]) => t0 + (i as number),
      attrs: timeAttrs,
    },
    { name: "member", dims: ["member"], shape: [1], dtype: "<i4", value: () => member },
    { name: "x", dims: ["x"], shape: [3], dtype: "<f8", value: ([i]) => i as number },
    {
      name: "v",
      dims: ["member", "time", "x"],
      shape: [1, 2, 3],
      chunks: [1, 1, 3],
      dtype: "<i2",
      value: ([, t, x]) => 10 * (t as number) + (x as number) + member,
      attrs,
    },
  ]);
}

describe("per-file encodings in the combine", () => {
  it("carries scale_factor/add_offset per file along every concat dimension, one value per step", async () => {
    const files = new MemoryFiles();
    const inputs = [
      packedFile(files, "a", 0, 0, { scale_factor: 0.5, add_offset: 1 }),
      packedFile(files, "b", 2, 0, { scale_factor: 0.25, add_offset: 2 }),
      packedFile(files, "c", 0, 1, { scale_factor: 2, add_offset: 3 }),
      packedFile(files, "d", 2, 1, { scale_factor: 4 }),
    ];
    const result = await combineReferenceSets(inputs, {
      concatDims: ["member", "time"],
      readCoordinate: files.readCoordinate,
    });
    const attrs = result.refs.metadata.get("v/.zattrs")!;
    expect(attrs.scale_factor).toBeUndefined();
    expect(attrs.add_offset).toBeUndefined();
    expect(result.packing.v?.map((f) => f.url)).toEqual(["a", "b", "c", "d"]);
    const scale = await files.read(result.refs, "v_scale_factor");
    const offset = await files.read(result.refs, "v_add_offset");
    expect(scale.shape).toEqual([2, 4]);
    expect(scale.values).toEqual([0.5, 0.5, 0.25, 0.25, 2, 2, 4, 4]);
    // A file without add_offset adds nothing.
    expect(offset.values).toEqual([1, 1, 2, 2, 3, 3, 0, 0]);
    expect(result.refs.metadata.get("v_scale_factor/.zattrs")?._ARRAY_DIMENSIONS).toEqual(["member", "time"]);
  });

  it("refuses with PackingMismatchError naming files and values when asked to", async () => {
    const files = new MemoryFiles();
    const inputs = [
      packedFile(files, "a", 0, 0, { scale_factor: 0.5 }),
      packedFile(files, "b", 2, 0, { scale_factor: 0.25 }),
    ];
    const combine = combineReferenceSets(inputs, {
      concatDims: ["time"],
      identicalDims: ["member"],
      packing: "refuse",
      readCoordinate: files.readCoordinate,
    });
    await expect(combine).rejects.toBeInstanceOf(PackingMismatchError);
    await expect(combine).rejects.toThrow(/b: scale_factor 0.25, add_offset \(none\).*references.packing/);
  });

  it("keeps one pair when the files agree", async () => {
    const files = new MemoryFiles();
    const same = { scale_factor: 0.5, add_offset: 1 };
    const inputs = [packedFile(files, "a", 0, 0, same), packedFile(files, "b", 2, 0, same)];
    const result = await combineReferenceSets(inputs, {
      concatDims: ["time"],
      identicalDims: ["member"],
      readCoordinate: files.readCoordinate,
    });
    expect(result.refs.metadata.get("v/.zattrs")).toMatchObject(same);
    expect(result.refs.arrays.has("v_scale_factor")).toBe(false);
  });

  it.each([
    ["missing_value", { missing_value: -1 }, { missing_value: -2 }],
    ["_FillValue", { _FillValue: -1 }, {}],
    ["valid_range", { valid_range: [0, 10] }, { valid_range: [0, 20] }],
    ["units", { units: "m" }, { units: "mm" }],
  ])("refuses files that differ in %s, naming each file's value", async (field, a, b) => {
    const files = new MemoryFiles();
    const inputs = [packedFile(files, "a", 0, 0, a), packedFile(files, "b", 2, 0, b)];
    const combine = combineReferenceSets(inputs, {
      concatDims: ["time"],
      identicalDims: ["member"],
      readCoordinate: files.readCoordinate,
    });
    await expect(combine).rejects.toBeInstanceOf(ArrayMismatchError);
    await expect(combine).rejects.toThrow(new RegExp(`attribute ${field} differs between files: a: .*; b: `));
  });

  it("re-encodes bounds with units of their own into the combined time encoding", async () => {
    const files = new MemoryFiles();
    const file = (url: string, epoch: string) =>
      files.add(url, [
        {
          name: "time",
          dims: ["time"],
          shape: [2],
          dtype: "<f8",
          value: ([i]) => 1 + (i as number),
          attrs: { units: `days since ${epoch}`, calendar: "noleap", bounds: "time_bnds" },
        },
        {
          name: "time_bnds",
          dims: ["time", "nv"],
          shape: [2, 2],
          dtype: "<f8",
          value: ([i, k]) => (i as number) + (k as number) + 0.5,
          attrs: { units: `days since ${epoch}`, calendar: "noleap" },
        },
      ]);
    const inputs = [file("y1", "2001-01-01"), file("y2", "2002-01-01")];
    // Raw times are equal in both files: detection compares the dates.
    expect(await detectConcatDim(inputs, { readCoordinate: files.readCoordinate })).toBe("time");
    const result = await combineReferenceSets(inputs, {
      concatDims: ["time"],
      readCoordinate: files.readCoordinate,
    });
    expect((await files.read(result.refs, "time")).values).toEqual([1, 2, 366, 367]);
    expect((await files.read(result.refs, "time_bnds")).values).toEqual([
      0.5, 1.5, 1.5, 2.5, 365.5, 366.5, 366.5, 367.5,
    ]);
    expect(result.refs.metadata.get("time_bnds/.zattrs")).toMatchObject({
      units: "days since 2001-01-01",
      calendar: "noleap",
    });
    expect(result.reencoded).toEqual(["time_bnds"]);
  });

  it("an append onto a set with per-file packing is refused (a CombineError the scan answers with a full combine)", async () => {
    const files = new MemoryFiles();
    const options = { concatDims: ["time"], identicalDims: ["member"], readCoordinate: files.readCoordinate };
    const first = await combineReferenceSets(
      [
        packedFile(files, "a", 0, 0, { scale_factor: 0.5 }),
        packedFile(files, "b", 2, 0, { scale_factor: 0.25 }),
      ],
      options,
    );
    const append = appendReferenceSets(
      first.refs,
      [packedFile(files, "c", 4, 0, { scale_factor: 2 })],
      options,
    );
    await expect(append).rejects.toBeInstanceOf(CombineError);
    await expect(append).rejects.toThrow(/"v" carries per-file scale_factor\/add_offset/);
  });
});
