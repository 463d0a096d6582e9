import { NetCDFReader } from "netcdfjs";
import { describe, expect, it } from "vitest";
import "../../../refs/store/codecs/index.js";
import { metadataJson, writeKerchunkJson } from "../../../refs/formats/kerchunk-json-write.js";
import { ChunkTable, type JsonObject, type ReferenceSet } from "../../../refs/model/reference-set.js";
import { MemorySource } from "../../../refs/storage/memory.js";
import { CountingSource } from "../../../refs/storage/middleware/count.js";
import type { ByteSource } from "../../../refs/storage/types.js";
import { readArray } from "../../../refs/store/read-array.js";
import { FormatError } from "../../../scanner/errors.js";
import { scanNetCDF3 } from "../../../scanner/netcdf3/index.js";
import { flatten } from "./kerchunk-refs.js";
import { type FileSpec, type NcTypeName, writeNetCDF3 } from "./write-netcdf3.js";

const allTypes: [NcTypeName, number[]][] = [
  ["byte", [-128, -1, 0, 127, 5]],
  ["short", [-32768, -2, 0, 32767, 7]],
  ["int", [-2147483648, -3, 0, 2147483647, 9]],
  ["float", [-1.5, 0, 3.25, Math.fround(0.1), Math.fround(1e30)]],
  ["double", [-1.5, 0, 0.1, 1e300, Number.NaN]],
];
const cdf5Types: [NcTypeName, number[]][] = [
  ["ubyte", [0, 1, 128, 254, 255]],
  ["ushort", [0, 1, 40000, 65534, 65535]],
  ["uint", [0, 1, 3e9, 4294967294, 4294967295]],
  ["int64", [-(2 ** 53) + 1, -1, 0, 2 ** 40, 2 ** 53 - 1]],
  ["uint64", [0, 1, 2 ** 33, 2 ** 52, 2 ** 53 - 1]],
];

function spec(version: 1 | 2 | 5): FileSpec {
  const types = version === 5 ? [...allTypes, ...cdf5Types] : allTypes;
  return {
    version,
    dims: [
      ["time", 0],
      ["x", 5],
      ["c", 3],
    ],
    numrecs: 4,
    attrs: [
      { name: "title", type: "char", values: "generated" },
      ...types.map(([type, values]) => ({ name: `att_${type}`, type, values })),
      { name: "one", type: "int", values: [42] },
    ],
    vars: [
      ...types.map(([type, values]) => ({
        name: `fixed_${type}`,
        type,
        dims: ["x"],
        attrs: [{ name: "units", type: "char" as const, values: "m" }],
        data: values,
      })),
      { name: "label", type: "char", dims: ["x", "c"], data: [...Buffer.from("abcdefghijklmno")] },
      { name: "scalar", type: "double", dims: [], data: [2.5] },
      {
        name: "rec_short",
        type: "short",
        dims: ["time", "c"],
        data: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
      },
      {
        name: "rec_float",
        type: "float",
        dims: ["time", "x"],
        attrs: [{ name: "_FillValue", type: "float", values: [-999] }],
        data: Array.from({ length: 20 }, (_, i) => i / 2),
      },
      { name: "time", type: "double", dims: ["time"], data: [0, 1, 2, 3] },
    ],
  };
}

async function valuesOf(
  source: ByteSource,
  refs: Awaited<ReturnType<typeof scanNetCDF3>>["refs"],
  name: string,
) {
  const read = await readArray(refs, name, { open: () => source });
  if (read.dtype === "|S1") return Array.from(read.data as ArrayLike<string>, (c) => c.charCodeAt(0) || 0);
  return Array.from(read.data as ArrayLike<number | bigint>, Number);
}

describe("NetCDF3 scanner on generated files", () => {
  for (const version of [1, 2, 5] as const) {
    it(`CDF-${version}: every type, record variables with padding, values equal what was written`, async () => {
      const s = spec(version);
      const { bytes, begins, recordStride } = writeNetCDF3(s);
      const source = new MemorySource("mem://gen.nc", bytes);
      const { refs } = await scanNetCDF3(source, "gen.nc", { inlineThreshold: 0 });
      for (const v of s.vars) {
        const got = await valuesOf(source, refs, v.name);
        expect(got, v.name).toEqual(v.data);
      }
      // record variables: one chunk per record at the record stride (3 shorts padded to 8 + 5 floats + 1 double)
      expect(recordStride).toBe(8 + 20 + 8);
      const flat = flatten(refs);
      expect(flat.chunks.get("rec_short/2.0")).toEqual({
        offset: (begins.get("rec_short") ?? 0) + 2 * 36,
        length: 6,
      });
      expect(flat.chunks.get("time/3")).toEqual({ offset: (begins.get("time") ?? 0) + 3 * 36, length: 8 });
      expect(flat.chunks.get("scalar/0")).toEqual({ offset: begins.get("scalar"), length: 8 });
      expect(refs.metadata.get("rec_float/.zarray")).toEqual({
        chunks: [1, 5],
        compressor: null,
        dtype: ">f4",
        fill_value: -999,
        filters: null,
        order: "C",
        shape: [4, 5],
        zarr_format: 2,
      });
      expect(refs.metadata.get("rec_float/.zattrs")).toEqual({ _ARRAY_DIMENSIONS: ["time", "x"] });
      expect(refs.metadata.get("label/.zarray")?.dtype).toBe("|S1");
      const root = refs.metadata.get(".zattrs") ?? {};
      expect(root.title).toBe("generated");
      expect(root.one).toBe(42);
      expect(root.att_double).toEqual([-1.5, 0, 0.1, 1e300, "NaN"]);
      expect(root.att_float).toEqual([-1.5, 0, 3.25, Math.fround(0.1), Math.fround(1e30)]);
      if (version === 5) {
        expect(root.att_uint64).toEqual([0, 1, 2 ** 33, 2 ** 52, 2 ** 53 - 1]);
        expect(refs.metadata.get("fixed_uint64/.zarray")?.dtype).toBe(">u8");
        expect(refs.metadata.get("fixed_ushort/.zarray")?.fill_value).toBe(65535);
      }
    });
  }

  for (const version of [1, 2] as const) {
    it(`CDF-${version}: values equal netcdfjs`, async () => {
      const s = spec(version);
      const { bytes } = writeNetCDF3(s);
      const source = new MemorySource("mem://gen.nc", bytes);
      const { refs } = await scanNetCDF3(source, "gen.nc", { inlineThreshold: 0 });
      const reader = new NetCDFReader(bytes);
      for (const name of [
        "fixed_short",
        "fixed_int",
        "fixed_float",
        "fixed_double",
        "scalar",
        "rec_float",
        "time",
      ]) {
        const ours = await valuesOf(source, refs, name);
        // netcdfjs reads a fixed variable's padded vsize: ignore its values past the variable's end
        const theirs = (reader.getDataVariable(name).flat() as number[]).slice(0, ours.length);
        expect(ours, name).toEqual(theirs);
      }
    });
  }

  it("writes NetCDF default fill values where no _FillValue, or null when asked (kerchunk)", async () => {
    const { bytes } = writeNetCDF3(spec(2));
    const source = new MemorySource("mem://gen.nc", bytes);
    const fill = async (opts: { defaultFillValues?: boolean }) => {
      const { refs } = await scanNetCDF3(source, "gen.nc", opts);
      return (name: string) => refs.metadata.get(`${name}/.zarray`)?.fill_value;
    };
    const withDefault = await fill({});
    expect(withDefault("fixed_byte")).toBe(-127);
    expect(withDefault("fixed_short")).toBe(-32767);
    expect(withDefault("fixed_int")).toBe(-2147483647);
    expect(withDefault("fixed_float")).toBe(Math.fround(9.969209968386869e36));
    expect(withDefault("fixed_double")).toBe(9.969209968386869e36);
    // NC_FILL_CHAR is '\0': the base64 of that one byte
    expect(withDefault("label")).toBe("AA==");
    expect(withDefault("rec_float")).toBe(-999);
    const kerchunkLike = await fill({ defaultFillValues: false });
    expect(kerchunkLike("fixed_double")).toBe(null);
    expect(kerchunkLike("rec_float")).toBe(-999);
  });

  it("CDF5 default fills, exact: NC_FILL_INT64/UINT64 in the metadata text, NC_FILL_UBYTE..UINT", async () => {
    const { bytes } = writeNetCDF3(spec(5));
    const { refs } = await scanNetCDF3(new MemorySource("mem://gen5.nc", bytes), "gen5.nc");
    const zarray = (name: string) => refs.metadata.get(`${name}/.zarray`) as JsonObject;
    expect(zarray("fixed_ubyte").fill_value).toBe(255);
    expect(zarray("fixed_ushort").fill_value).toBe(65535);
    expect(zarray("fixed_uint").fill_value).toBe(4294967295);
    const expected: [string, bigint][] = [
      ["fixed_int64", -9223372036854775806n],
      ["fixed_uint64", 18446744073709551614n],
    ];
    for (const [name, fill] of expected) {
      const text = metadataJson(`${name}/.zarray`, zarray(name));
      expect(text).toContain(`"fill_value":${fill}`);
      expect(JSON.parse(text)).toEqual(zarray(name));
      // our reader fills a missing chunk with the exact 64-bit value (from the text, not the double)
      const shape = zarray(name).shape as number[];
      const emptied: ReferenceSet = {
        metadata: refs.metadata,
        arrays: new Map([[name, new ChunkTable([1])]]),
      };
      const read = await readArray(emptied, name, { open: () => new MemorySource("mem://gen5.nc", bytes) });
      expect(read.data.length).toBe(shape[0]);
      expect(Array.from(read.data as ArrayLike<bigint>).every((v) => v === fill)).toBe(true);
    }
    // through a kerchunk JSON file and back
    const doc = JSON.parse(writeKerchunkJson(refs)) as { refs: Record<string, string> };
    expect(doc.refs["fixed_uint64/.zarray"]).toContain('"fill_value":18446744073709551614');
  });

  it("uses missing_value before _FillValue, and keeps neither in .zattrs (as kerchunk)", async () => {
    const { bytes } = writeNetCDF3({
      version: 1,
      dims: [["x", 2]],
      vars: [
        {
          name: "v",
          type: "short",
          dims: ["x"],
          attrs: [
            { name: "_FillValue", type: "short", values: [-1] },
            { name: "missing_value", type: "short", values: [-2] },
            { name: "scale_factor", type: "float", values: [0.5] },
          ],
          data: [1, 2],
        },
      ],
    });
    const { refs } = await scanNetCDF3(new MemorySource("m", bytes), "m");
    expect(refs.metadata.get("v/.zarray")?.fill_value).toBe(-2);
    expect(refs.metadata.get("v/.zattrs")).toEqual({ scale_factor: 0.5, _ARRAY_DIMENSIONS: ["x"] });
  });

  it("inlines fixed variables smaller than the inline threshold", async () => {
    const { bytes } = writeNetCDF3(spec(1));
    const { refs } = await scanNetCDF3(new MemorySource("m", bytes), "m", { inlineThreshold: 9 });
    expect(refs.arrays.get("scalar")?.get(0)).toEqual({
      kind: "inline",
      data: new Uint8Array(encodeDouble(2.5)),
    });
    expect(refs.arrays.get("fixed_double")?.get(0)?.kind).toBe("range");
    // record variables are never inlined (kerchunk neither)
    expect(refs.arrays.get("time")?.get(0)?.kind).toBe("range");
  });

  it("splits fixed variables along the first axis to at most maxChunkBytes, with full chunks", async () => {
    const data = Array.from({ length: 12 * 4 }, (_, i) => i);
    const { bytes, begins } = writeNetCDF3({
      version: 1,
      dims: [
        ["y", 12],
        ["x", 4],
      ],
      vars: [{ name: "v", type: "int", dims: ["y", "x"], data }],
    });
    const source = new MemorySource("m", bytes);
    const { refs } = await scanNetCDF3(source, "m", { inlineThreshold: 0, maxChunkBytes: 80 });
    // 16 bytes per row, at most 5 rows -> 4 rows (largest divisor of 12), 3 chunks
    expect(refs.metadata.get("v/.zarray")?.chunks).toEqual([4, 4]);
    expect(flatten(refs).chunks.get("v/2.0")).toEqual({ offset: (begins.get("v") ?? 0) + 128, length: 64 });
    expect(await valuesOf(source, refs, "v")).toEqual(data);
  });

  it("a single record variable of shorts has no padding between records", async () => {
    const { bytes, begins } = writeNetCDF3({
      version: 1,
      dims: [["t", 0]],
      numrecs: 3,
      vars: [{ name: "s", type: "short", dims: ["t"], data: [7, 8, 9] }],
    });
    const source = new MemorySource("m", bytes);
    const { refs } = await scanNetCDF3(source, "m", { inlineThreshold: 0 });
    expect(flatten(refs).chunks.get("s/2")).toEqual({ offset: (begins.get("s") ?? 0) + 4, length: 2 });
    expect(await valuesOf(source, refs, "s")).toEqual([7, 8, 9]);
  });

  it("streaming numrecs: counts the records the file holds", async () => {
    const { bytes } = writeNetCDF3({ ...spec(1), streaming: true });
    const { refs } = await scanNetCDF3(new MemorySource("m", bytes), "m");
    expect(refs.metadata.get("time/.zarray")?.shape).toEqual([4]);
  });

  it("CDF-2 and CDF-5 offsets beyond 4 GiB (header read only)", async () => {
    for (const version of [2, 5] as const) {
      const { bytes } = writeNetCDF3({
        version,
        dims: [["x", 4]],
        vars: [{ name: "v", type: "double", dims: ["x"], data: [] }],
      });
      // rewrite v's begin to 5 GiB: the last 8 bytes of the header are its OFFSET
      const header = bytes.slice(0, bytes.length - 32);
      new DataView(header.buffer).setBigUint64(header.length - 8, 5n * 2n ** 30n);
      const huge: ByteSource = {
        url: "mem://huge.nc",
        size: async () => 6 * 2 ** 30,
        fetch: async (offset, length) => {
          if (offset + length > 64 * 1024) throw new Error(`read of data bytes: ${offset}+${length}`);
          const out = new Uint8Array(length);
          out.set(header.subarray(offset, offset + length));
          return out;
        },
      };
      const { refs } = await scanNetCDF3(huge, "huge.nc", { inlineThreshold: 0 });
      expect(flatten(refs).chunks.get("v/0")).toEqual({ offset: 5 * 2 ** 30, length: 32 });
    }
  });

  it("reads the header only: one request for a small header, a few for a large one", async () => {
    const { bytes } = writeNetCDF3(spec(2));
    const small = new CountingSource(new MemorySource("m", bytes));
    await scanNetCDF3(small, "m", { inlineThreshold: 0 });
    expect(small.stats.requests).toBe(1);
    const many = writeNetCDF3({
      version: 1,
      dims: [["x", 1000]],
      vars: Array.from({ length: 1500 }, (_, i) => ({
        name: `variable_number_${i}`,
        type: "double" as const,
        dims: ["x"],
        attrs: [{ name: "long_name", type: "char" as const, values: `a long descriptive name ${i}` }],
        data: [],
      })),
    });
    const big = new CountingSource(new MemorySource("m", many.bytes));
    const { refs } = await scanNetCDF3(big, "m", { inlineThreshold: 0 });
    expect(refs.arrays.size).toBe(1500);
    const headerLength = many.begins.get("variable_number_0") ?? 0;
    expect(big.stats.bytes).toBeLessThan(2.5 * headerLength); // reads grow by doubling
    expect(big.stats.bytes).toBeLessThan(many.bytes.length / 25);
    expect(big.stats.requests).toBeLessThanOrEqual(5);
  });

  it("bad magic, truncated header and truncated data are FormatErrors naming the file", async () => {
    const bad = new MemorySource("mem://bad.nc", new TextEncoder().encode("HDF5 not netcdf at all"));
    await expect(scanNetCDF3(bad, "mem://bad.nc")).rejects.toThrow(/mem:\/\/bad\.nc.*not a NetCDF3 file/);
    const { bytes, begins } = writeNetCDF3(spec(1));
    const cut = new MemorySource("mem://cut.nc", bytes.slice(0, 60));
    await expect(scanNetCDF3(cut, "mem://cut.nc")).rejects.toThrow(FormatError);
    await expect(scanNetCDF3(cut, "mem://cut.nc")).rejects.toThrow(/cut\.nc.*header truncated/);
    const shortData = new MemorySource("mem://short.nc", bytes.slice(0, (begins.get("fixed_int") ?? 0) + 4));
    await expect(scanNetCDF3(shortData, "mem://short.nc", { inlineThreshold: 0 })).rejects.toThrow(
      /short\.nc \(object fixed_int.*needs bytes .* past the end of the file/,
    );
    const { bytes: oneVar } = writeNetCDF3({
      version: 1,
      dims: [],
      vars: [{ name: "v", type: "int", dims: [], data: [1] }],
    });
    const view = new DataView(oneVar.buffer);
    view.setUint32(oneVar.length - 4 - 12, 99); // nc_type of v
    await expect(scanNetCDF3(new MemorySource("mem://t.nc", oneVar), "mem://t.nc")).rejects.toThrow(
      /unknown type code 99/,
    );
  });
});

function encodeDouble(v: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, v);
  return b;
}
