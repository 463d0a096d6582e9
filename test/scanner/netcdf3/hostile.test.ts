/**
 * NetCDF3 headers whose sizes the file cannot hold: numrecs 0x7FFFFFFF (before: two billion ranges built, past
 * 60 s and 1 GB) and a dimension length far beyond the data. Each fails at once naming file, variable and sizes.
 */
import { describe, expect, it } from "vitest";
import { MemorySource } from "../../../refs/storage/memory.js";
import { FormatError } from "../../../scanner/errors.js";
import { scanNetCDF3 } from "../../../scanner/netcdf3/index.js";
import { writeNetCDF3 } from "./write-netcdf3.js";

const spec = {
  version: 1 as const,
  dims: [
    ["time", 0],
    ["x", 4],
  ] as [string, number][],
  numrecs: 3,
  vars: [
    { name: "x", type: "float" as const, dims: ["x"], data: [1, 2, 3, 4] },
    { name: "v", type: "short" as const, dims: ["time", "x"], data: Array.from({ length: 12 }, (_, i) => i) },
  ],
};

async function failure(bytes: Uint8Array): Promise<FormatError> {
  const started = Date.now();
  const error = await scanNetCDF3(new MemorySource("mem://h.nc", bytes), "h.nc").catch((e: unknown) => e);
  expect(Date.now() - started).toBeLessThan(2000);
  expect(error).toBeInstanceOf(FormatError);
  return error as FormatError;
}

describe("NetCDF3 scanner on hostile headers", () => {
  it("numrecs 0x7FFFFFFF: refused before any range is built, naming the variable and numrecs", async () => {
    const { bytes } = writeNetCDF3(spec);
    const bad = bytes.slice();
    new DataView(bad.buffer).setUint32(4, 0x7fffffff);
    const error = await failure(bad);
    expect(error.object).toBe("v");
    expect(error.offset).toBe(4);
    expect(error.message).toMatch(
      /^h\.nc \(object v, byte offset 4\): numrecs 2147483647 puts the last record/,
    );
    expect(error.detail).toContain(
      `past the end of the file (${bytes.length} bytes): expected at most 3 records`,
    );
  });

  it("a dimension length far beyond the data", async () => {
    const { bytes } = writeNetCDF3(spec);
    const bad = bytes.slice();
    // the length of dimension "x": after magic, numrecs, tag, count, name length, "time" padded, 0, name length, "x" padded
    const at = 4 + 4 + 4 + 4 + 4 + 4 + 4 + 4 + 4;
    expect(new DataView(bad.buffer).getUint32(at)).toBe(4);
    new DataView(bad.buffer).setUint32(at, 0x40000000);
    const error = await failure(bad);
    expect(error.object).toBe("x");
    // the header's own size of the variable (vsize) contradicts the dimension: caught before the file size
    expect(error.detail).toBe(
      "vsize 16, expected 4294967296 (the dimension lengths times the type size, rounded up to 4 bytes)",
    );
  });

  it("a variable whose data begins inside the header", async () => {
    const { bytes, begins } = writeNetCDF3(spec);
    const bad = bytes.slice();
    const view = new DataView(bad.buffer);
    // begin of "x" is the last field of its entry in the header: the last 4 bytes before it holding its value
    const begin = begins.get("x") as number;
    let at = -1;
    for (let i = 0; i + 4 <= begin; i++) if (view.getUint32(i) === begin) at = i;
    view.setUint32(at, 8);
    const error = await failure(bad);
    expect(error.object).toBe("x");
    expect(error.detail).toMatch(
      /^data begins at byte 8, inside the header \(\d+ bytes\): expected at or after its end$/,
    );
  });

  it("a file that holds what its header says still scans", async () => {
    const { bytes } = writeNetCDF3(spec);
    const { refs } = await scanNetCDF3(new MemorySource("mem://h.nc", bytes), "h.nc");
    expect(refs.arrays.get("v")?.count).toBe(3);
  });
});
