/**
 * CDF-5 checked against the format specification, not against our writer (write-netcdf3.ts): a small file laid
 * out byte by byte from the NetCDF classic format grammar as extended for CDF-5 (Unidata's "NetCDF file
 * formats" page, PnetCDF's CDF-5 definition): magic 'CDF' \x05; numrecs, every nelems, dim lengths, dimids and
 * vsize are NON_NEG = 64-bit; begin is a 64-bit OFFSET; tags and nc_type stay 32-bit; ABSENT is ZERO (32-bit)
 * ZERO64; names and values pad to 4 bytes. The expected offsets are counted by hand in the comments below.
 * (netcdfjs, the independent JavaScript reader used for CDF-1/2, cannot read CDF-5.)
 */
import { describe, expect, it } from "vitest";
import { writeKerchunkJson } from "../../../refs/formats/kerchunk-json-write.js";
import { MemorySource } from "../../../refs/storage/memory.js";
import { readArray } from "../../../refs/store/read-array.js";
import { scanNetCDF3 } from "../../../scanner/netcdf3/index.js";

const i32 = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const i64 = (v: bigint) => {
  const u = BigInt.asUintN(64, v);
  return Array.from({ length: 8 }, (_, i) => Number((u >> BigInt(56 - 8 * i)) & 255n));
};
const n64 = (v: number) => i64(BigInt(v));
const ascii = (s: string) => [...Buffer.from(s, "latin1")];

// dims: x = 3, time = UNLIMITED (2 records); global attr t = "ab";
// uint64 u(x) fixed; int64 r(time) record, with attr s = ushort 7.
const U = [1n, 2n ** 63n + 5n, 2n ** 64n - 1n];
const R = [-5n, 2n ** 53n + 1n];
const fields: [offset: number, bytes: number[]][] = [
  [0, [0x43, 0x44, 0x46, 0x05]], // magic 'C' 'D' 'F' \x05
  [4, n64(2)], // numrecs
  [12, [0, 0, 0, 0x0a]], // NC_DIMENSION
  [16, n64(2)], // 2 dims
  [24, n64(1)], // name "x": nelems
  [32, [...ascii("x"), 0, 0, 0]], // padded to 4
  [36, n64(3)], // dim_length 3
  [44, n64(4)], // name "time"
  [52, ascii("time")],
  [56, n64(0)], // dim_length 0: the record dimension
  [64, [0, 0, 0, 0x0c]], // NC_ATTRIBUTE
  [68, n64(1)], // 1 global attribute
  [76, n64(1)], // name "t"
  [84, [...ascii("t"), 0, 0, 0]],
  [88, i32(2)], // NC_CHAR
  [92, n64(2)], // 2 chars
  [100, [...ascii("ab"), 0, 0]],
  [104, [0, 0, 0, 0x0b]], // NC_VARIABLE
  [108, n64(2)], // 2 variables
  [116, n64(1)], // var "u"
  [124, [...ascii("u"), 0, 0, 0]],
  [128, n64(1)], // 1 dimension
  [136, n64(0)], // dimid 0 (x), 64-bit in CDF-5
  [144, [0, 0, 0, 0, ...n64(0)]], // vatt_list ABSENT = ZERO ZERO64
  [156, i32(11)], // NC_UINT64
  [160, n64(24)], // vsize
  [168, n64(264)], // begin: right after the header
  [176, n64(1)], // var "r"
  [184, [...ascii("r"), 0, 0, 0]],
  [188, n64(1)],
  [196, n64(1)], // dimid 1 (time)
  [204, [0, 0, 0, 0x0c]], // NC_ATTRIBUTE
  [208, n64(1)],
  [216, n64(1)], // name "s"
  [224, [...ascii("s"), 0, 0, 0]],
  [228, i32(8)], // NC_USHORT
  [232, n64(1)],
  [240, [0, 7, 0, 0]], // 7, padded to 4
  [244, i32(10)], // NC_INT64
  [248, n64(8)], // vsize of one record
  [256, n64(288)], // begin: after u's 24 bytes of data
  [264, U.flatMap(i64)], // u data, 264..288
  [288, i64(R[0] as bigint)], // record 0 of r (the only record variable: record size 8)
  [296, i64(R[1] as bigint)], // record 1
];

function file(): Uint8Array {
  const out = new Uint8Array(304);
  let end = 0;
  for (const [offset, bytes] of fields) {
    expect(offset, "fields are contiguous").toBe(end);
    out.set(bytes, offset);
    end = offset + bytes.length;
  }
  expect(end).toBe(out.length);
  return out;
}

describe("CDF-5 from the format specification", () => {
  it("offsets, lengths, record stride, types and attributes", async () => {
    const bytes = file();
    const { refs } = await scanNetCDF3(new MemorySource("mem://spec.nc", bytes), "spec.nc", {
      inlineThreshold: 0,
    });
    expect(refs.metadata.get(".zattrs")).toEqual({ t: "ab" });
    expect(refs.metadata.get("u/.zarray")).toMatchObject({ dtype: ">u8", shape: [3], chunks: [3] });
    expect(refs.metadata.get("u/.zattrs")).toEqual({ _ARRAY_DIMENSIONS: ["x"] });
    expect(refs.metadata.get("r/.zarray")).toMatchObject({ dtype: ">i8", shape: [2], chunks: [1] });
    expect(refs.metadata.get("r/.zattrs")).toEqual({ s: 7, _ARRAY_DIMENSIONS: ["time"] });
    expect(refs.arrays.get("u")?.get(0)).toEqual({ kind: "range", url: "spec.nc", offset: 264, length: 24 });
    expect(refs.arrays.get("r")?.get(0)).toEqual({ kind: "range", url: "spec.nc", offset: 288, length: 8 });
    expect(refs.arrays.get("r")?.get(1)).toEqual({ kind: "range", url: "spec.nc", offset: 296, length: 8 });
    const open = () => new MemorySource("mem://spec.nc", bytes);
    expect(Array.from((await readArray(refs, "u", { open })).data as ArrayLike<bigint>)).toEqual(U);
    expect(Array.from((await readArray(refs, "r", { open })).data as ArrayLike<bigint>)).toEqual(R);
    // default fills (no _FillValue): NC_FILL_UINT64 / NC_FILL_INT64, exact in the written JSON
    const written = JSON.parse(writeKerchunkJson(refs)).refs as Record<string, string>;
    expect(written["u/.zarray"]).toContain('"fill_value":18446744073709551614');
    expect(written["r/.zarray"]).toContain('"fill_value":-9223372036854775806');
  });

  it("a CDF-5 header cut short names the file", async () => {
    const bytes = file().subarray(0, 150);
    await expect(scanNetCDF3(new MemorySource("mem://cut.nc", bytes), "cut.nc")).rejects.toThrow(/cut\.nc/);
  });
});
