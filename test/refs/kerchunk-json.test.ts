import { readFileSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readKerchunkJson, writeKerchunkJson } from "../../refs/formats/kerchunk-json.js";
import { pythonFloat, pythonJson } from "../../refs/formats/python-json.js";
import "../../refs/store/codecs/index.js";
import { ChunkTable, type JsonObject, type ReferenceSet } from "../../refs/model/reference-set.js";
import { readArray } from "../../refs/store/read-array.js";
import { fixtureFiles, haveFixtures } from "../fixtures.js";

const zarray = (shape: number[], chunks: number[]) =>
  JSON.stringify({
    chunks,
    compressor: null,
    dtype: "<i4",
    fill_value: 0,
    filters: null,
    order: "C",
    shape,
    zarr_format: 2,
  });

describe("kerchunk JSON", () => {
  it("reads v1 with templates, gen, base64 and utf8 inline data, and whole-file refs", () => {
    const refs = readKerchunkJson({
      version: 1,
      templates: { u: "s3://bucket/long/path/file.nc", v: "https://h/x" },
      refs: {
        ".zgroup": '{"zarr_format":2}',
        "t/.zarray": zarray([4, 2], [1, 2]),
        "t/0.0": ["{{u}}", 100, 8],
        "t/1.0": "base64:AQAAAAIAAAA=",
        "t/2.0": "abcdefgh",
        "t/3.0": ["{{v}}/whole.bin"],
        "g/.zarray": zarray([3], [1]),
      },
      gen: [
        {
          key: "g/{{i}}",
          url: "{{v}}/f_{{i}}.bin",
          offset: "{{(i + 1) * 1000}}",
          length: "8",
          dimensions: { i: { stop: 3 } },
        },
      ],
    } as never);
    expect(refs.arrays.get("g")?.get(2)).toEqual({
      kind: "range",
      url: "https://h/x/f_2.bin",
      offset: 3000,
      length: 8,
    });
    expect(refs.arrays.get("t")?.get(0)).toEqual({
      kind: "range",
      url: "s3://bucket/long/path/file.nc",
      offset: 100,
      length: 8,
    });
    expect(refs.arrays.get("t")?.get(1)).toEqual({
      kind: "inline",
      data: new Uint8Array([1, 0, 0, 0, 2, 0, 0, 0]),
    });
    expect(refs.arrays.get("t")?.get(2)).toEqual({
      kind: "inline",
      data: new Uint8Array(Buffer.from("abcdefgh")),
    });
    expect(refs.arrays.get("t")?.get(3)).toEqual({ kind: "file", url: "https://h/x/whole.bin" });
  });

  it("expands gen entries over ranges and lists", () => {
    const refs = readKerchunkJson({
      version: 1,
      templates: { v: "https://h" },
      refs: { "g/.zarray": zarray([3, 4], [1, 2]) },
      gen: [
        {
          key: "g/{{i}}.{{j}}",
          url: "{{v}}/f_{{i}}.bin",
          offset: "{{i * 1000 + j * 8}}",
          length: "8",
          dimensions: { i: { start: 0, stop: 3 }, j: [0, 1] },
        },
      ],
    } as never);
    const table = refs.arrays.get("g") as ChunkTable;
    expect([...table.present()].length).toBe(6);
    expect(table.get(table.flatIndex([2, 1]))).toEqual({
      kind: "range",
      url: "https://h/f_2.bin",
      offset: 2008,
      length: 8,
    });
  });

  it('places chunk keys of arrays with dimension_separator "/" (nested groups too)', async () => {
    const z = JSON.stringify({ ...JSON.parse(zarray([2, 4], [1, 2])), dimension_separator: "/" });
    const refs = readKerchunkJson({
      version: 1,
      refs: { "g/t/.zarray": z, "g/t/1/1": "base64:BwAAAAgAAAA=", "g/t/0/0": "base64:AQAAAAIAAAA=" },
    } as never);
    const { data } = await readArray(refs, "g/t", {
      open: () => {
        throw new Error("no I/O expected");
      },
    });
    expect(Array.from(data as Int32Array)).toEqual([1, 2, 0, 0, 0, 0, 7, 8]);
    // Bytes below 0x80 are ASCII: kerchunk writes them as text (escaped), not base64.
    expect(writeKerchunkJson(refs)).toContain('"g/t/0/0": "\\u0001\\u0000\\u0000\\u0000\\u0002');
    const back = readKerchunkJson(writeKerchunkJson(refs));
    expect(back.arrays.get("g/t")?.get(5)).toEqual(refs.arrays.get("g/t")?.get(5));
  });

  it("reads v0 (no version key)", () => {
    const refs = readKerchunkJson(
      JSON.stringify({
        ".zgroup": '{"zarr_format":2}',
        "t/.zarray": zarray([2], [2]),
        "t/0": ["f.nc", 0, 8],
      }),
    );
    expect(refs.arrays.get("t")?.get(0)).toEqual({ kind: "range", url: "f.nc", offset: 0, length: 8 });
  });

  it("writes v1 as Python's json does, with templates when they save space", () => {
    const table = new ChunkTable([3]);
    for (let i = 0; i < 3; i++)
      table.set(i, {
        kind: "range",
        url: "s3://bucket/a/rather/long/path/name.nc",
        offset: i * 8,
        length: 8,
      });
    const refs: ReferenceSet = {
      metadata: new Map<string, JsonObject>([
        [".zgroup", { zarr_format: 2 }],
        [
          "t/.zarray",
          {
            chunks: [1],
            compressor: null,
            dtype: "<f8",
            fill_value: 7,
            filters: null,
            order: "C",
            shape: [3],
            zarr_format: 2,
          },
        ],
        ["t/.zattrs", { _ARRAY_DIMENSIONS: ["t"], name: "é" }],
      ]),
      arrays: new Map([["t", table]]),
    };
    expect(writeKerchunkJson(refs)).toBe(
      '{"version": 1, "templates": {"u": "s3://bucket/a/rather/long/path/name.nc"}, "refs": {' +
        '".zgroup": "{\\"zarr_format\\":2}", ' +
        '"t/.zarray": "{\\"chunks\\":[1],\\"compressor\\":null,\\"dtype\\":\\"<f8\\",\\"fill_value\\":7.0,\\"filters\\":null,\\"order\\":\\"C\\",\\"shape\\":[3],\\"zarr_format\\":2}", ' +
        '"t/.zattrs": "{\\"_ARRAY_DIMENSIONS\\":[\\"t\\"],\\"name\\":\\"\\\\u00e9\\"}", ' +
        '"t/0": ["{{u}}", 0, 8], "t/1": ["{{u}}", 8, 8], "t/2": ["{{u}}", 16, 8]}}',
    );
    const back = readKerchunkJson(writeKerchunkJson(refs));
    expect(back.arrays.get("t")?.get(2)).toEqual(table.get(2));
    expect(back.metadata.get("t/.zattrs")).toEqual({ _ARRAY_DIMENSIONS: ["t"], name: "é" });
  });

  it("inline bytes: ASCII as text, anything else (or text starting with base64:) as base64", () => {
    const table = new ChunkTable([3]);
    table.set(0, { kind: "inline", data: new Uint8Array(Buffer.from("hello")) });
    table.set(1, { kind: "inline", data: new Uint8Array([0xff, 0]) });
    table.set(2, { kind: "inline", data: new Uint8Array(Buffer.from("base64:AA==")) });
    const refs: ReferenceSet = {
      metadata: new Map([["x/.zarray", JSON.parse(zarray([3], [1]))]]),
      arrays: new Map([["x", table]]),
    };
    const text = writeKerchunkJson(refs);
    expect(text).toContain('"x/0": "hello"');
    expect(text).toContain('"x/1": "base64:/wA="');
    const back = readKerchunkJson(text).arrays.get("x") as ChunkTable;
    for (let i = 0; i < 3; i++) expect(back.get(i)).toEqual(table.get(i));
  });

  it("formats floats like Python's repr", () => {
    expect(
      [7, 0.1, 1e16, 1.5e-5, 1e-4, 9.969209968386869e36, -0, 123456789012345.6, Number.NaN].map(pythonFloat),
    ).toEqual([
      "7.0",
      "0.1",
      "1e+16",
      "1.5e-05",
      "0.0001",
      "9.969209968386869e+36",
      "-0.0",
      "123456789012345.6",
      "NaN",
    ]);
    expect(pythonJson({ b: [1, 2.5], a: "x" }, { sortKeys: true })).toBe('{"a": "x", "b": [1, 2.5]}');
  });

  it("broken files give errors naming the key", () => {
    const base = { ".zgroup": '{"zarr_format":2}', "t/.zarray": zarray([4], [2]) };
    const cases: Array<[object | string, RegExp]> = [
      [{ version: 1, refs: { ...base, "t/0": ["f.nc", 0] } }, /key "t\/0": expected \[url, offset, length\]/],
      [
        { version: 1, refs: { ...base, "t/7": ["f.nc", 0, 8] } },
        /key "t\/7": chunk index "7" is outside the chunk grid \[2\]/,
      ],
      [{ version: 1, refs: { ...base, "u/0": ["f.nc", 0, 8] } }, /key "u\/0": chunk key names no array/],
      [
        { version: 1, refs: { ...base, "t/.zattrs": "{not json" } },
        /key "t\/.zattrs": metadata is not valid JSON/,
      ],
      [{ version: 1, refs: { ...base, "t/0": [42, 0, 8] } }, /key "t\/0"/],
      [
        { version: 1, refs: { ...base, "t/0": ["{{nope}}", 0, 8] } },
        /key "t\/0": URL template: unknown name "nope"/,
      ],
      [{ version: 2, refs: {} }, /key "version": unsupported version 2/],
    ];
    for (const [doc, pattern] of cases)
      expect(() => readKerchunkJson(doc as never, { file: "x.json" })).toThrow(pattern);
    const text = JSON.stringify({ version: 1, refs: { ...base, "t/0": ["f.nc", 0, 8] } });
    expect(() => readKerchunkJson(text.slice(0, text.length - 20), { file: "cut.json" })).toThrow(
      /cut.json: not valid JSON/,
    );
  });
});

describe.skipIf(!haveFixtures)("kerchunk JSON: every fixture's references", () => {
  // The two fixtures with 100k+ references (P071.CDF, NEON) take most of a minute on a shared machine.
  const files = fixtureFiles().filter((f) => f.kerchunkPath && statSync(f.kerchunkPath).size < 4_000_000);

  it("read then written back give the same value for every key (metadata text included)", {
    timeout: 120_000,
  }, () => {
    let byteExact = 0;
    for (const f of files) {
      const text = readFileSync(f.kerchunkPath as string, "utf8");
      const refs = readKerchunkJson(text, { file: f.kerchunkPath });
      const original = JSON.parse(text).refs as Record<string, unknown>;
      const written = writeKerchunkJson(refs, { templates: false });
      const ours = JSON.parse(written).refs as Record<string, unknown>;
      expect(Object.keys(ours).sort(), f.file).toEqual(Object.keys(original).sort());
      const differing = Object.keys(original).filter(
        (k) => JSON.stringify(ours[k]) !== JSON.stringify(original[k]),
      );
      expect(differing, f.file).toEqual([]);
      const grouped = writeKerchunkJson(refs, { templates: false, keyOrder: "grouped" });
      if (written === text || grouped === text) byteExact++;
    }
    // Key order depends on the scanner that wrote the file; where ours matches, the bytes match exactly.
    expect(files.length).toBeGreaterThan(200);
    expect(byteExact).toBeGreaterThan(150);
  });
});
