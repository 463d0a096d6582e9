import { describe, expect, it } from "vitest";
import { MemorySource } from "../../refs/storage/memory.js";
import { detectFormat } from "../../scanner/detect.js";
import { FormatError } from "../../scanner/errors.js";
import { scanFile } from "../../scanner/index.js";

const HDF5 = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function bytes(head: number[], size = 64, at = 0): MemorySource {
  const b = new Uint8Array(size);
  b.set(head, at);
  return new MemorySource("mem://f", b);
}

describe("format detection by magic number", () => {
  it.each([
    [[0x43, 0x44, 0x46, 1], "netcdf3"],
    [[0x43, 0x44, 0x46, 2], "netcdf3"],
    [[0x43, 0x44, 0x46, 5], "netcdf3"],
    [[0x49, 0x49, 42, 0], "tiff"],
    [[0x4d, 0x4d, 0, 42], "tiff"],
    [[0x49, 0x49, 43, 0], "tiff"],
    [HDF5, "hdf5"],
  ])("%j is %s", async (head, format) => {
    expect(await detectFormat(bytes(head))).toBe(format);
  });

  it("finds HDF5 after a user block", async () => {
    expect(await detectFormat(bytes(HDF5, 4096, 1024))).toBe("hdf5");
  });

  it("names the file and the bytes it found otherwise", async () => {
    const src = new MemorySource("s3://bucket/notes.txt", new TextEncoder().encode("hello, world"));
    const error = await detectFormat(src).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).message).toContain("s3://bucket/notes.txt");
    expect((error as FormatError).message).toContain("68 65 6c 6c");
  });

  it("reports an empty file", async () => {
    const error = await detectFormat(new MemorySource("e.nc", new Uint8Array(0))).catch((e: unknown) => e);
    expect((error as Error).message).toContain("empty file");
  });

  it("dispatches a NetCDF3 file to its scanner", async () => {
    // Classic header: magic, numrecs 0, and absent dimension, attribute and variable lists.
    const header = new Uint8Array(32);
    header.set([0x43, 0x44, 0x46, 1]);
    const result = await scanFile(new MemorySource("empty.nc", header), "empty.nc");
    expect(result.format).toBe("netcdf3");
    expect(result.refs.metadata.has(".zgroup")).toBe(true);
  });
});
