/**
 * Hostile TIFFs: IFD chains and SubIFDs that loop, sizes that contradict each other or the file. Each must fail
 * at once with a FormatError naming the file, the IFD and tag, what was expected and what was found (before:
 * loops hung with memory growing without bound, SamplesPerPixel 65535 scanned with exit 0, RowsPerStrip 0
 * threw "Invalid typed array length: Infinity" naming no file).
 */
import { describe, expect, it } from "vitest";
import { type ImageSpec, writeTiff } from "../../../pipelines/demo/write-tiff.js";
import { MemorySource } from "../../../refs/storage/memory.js";
import { FormatError } from "../../../scanner/errors.js";
import { scanTiff } from "../../../scanner/tiff/index.js";

const ramp = (n: number) => Array.from({ length: n }, (_, i) => i % 251);

/** Offsets of the IFDs of a classic little-endian TIFF's main chain. */
function ifdOffsets(bytes: Uint8Array): number[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset);
  const out: number[] = [];
  for (let at = v.getUint32(4, true); at !== 0 && out.length < 16; ) {
    out.push(at);
    at = v.getUint32(at + 2 + 12 * v.getUint16(at, true), true);
  }
  return out;
}

/** Where the next-IFD offset of the IFD at `ifd` lies. */
const nextField = (bytes: Uint8Array, ifd: number) =>
  ifd + 2 + 12 * new DataView(bytes.buffer, bytes.byteOffset).getUint16(ifd, true);

/** Set the inline value of `tag` in the IFD at `ifd` (SHORT or LONG). */
function patchTag(bytes: Uint8Array, ifd: number, tag: number, value: number): Uint8Array {
  const out = bytes.slice();
  const v = new DataView(out.buffer);
  for (let i = 0; i < v.getUint16(ifd, true); i++) {
    const e = ifd + 2 + 12 * i;
    if (v.getUint16(e, true) !== tag) continue;
    if (v.getUint16(e + 2, true) === 3) v.setUint16(e + 8, value, true);
    else v.setUint32(e + 8, value, true);
    return out;
  }
  throw new Error(`no tag ${tag}`);
}

async function failure(bytes: Uint8Array): Promise<FormatError> {
  const started = Date.now();
  const error = await scanTiff(new MemorySource("mem://hostile.tif", bytes), "hostile.tif").catch(
    (e: unknown) => e,
  );
  expect(Date.now() - started).toBeLessThan(2000);
  expect(error).toBeInstanceOf(FormatError);
  expect((error as FormatError).message).toMatch(/^hostile\.tif \(object /);
  return error as FormatError;
}

const strips: ImageSpec = { width: 32, height: 20, rowsPerStrip: 8, bits: 8, data: ramp(640) };
const tiled: ImageSpec = { width: 64, height: 64, tile: [16, 16], bits: 8, compression: 8, data: ramp(4096) };
const overview: ImageSpec = {
  width: 32,
  height: 32,
  tile: [16, 16],
  bits: 8,
  subfileType: 1,
  data: ramp(1024),
};

describe("TIFF scanner on hostile files", () => {
  it("an IFD whose next offset points at itself: the loop is named, no hang", async () => {
    const { bytes } = writeTiff({ images: [strips] });
    const [ifd] = ifdOffsets(bytes) as [number];
    const looped = bytes.slice();
    new DataView(looped.buffer).setUint32(nextField(bytes, ifd), ifd, true);
    const error = await failure(looped);
    expect(error.object).toBe("IFD 1");
    expect(error.detail).toBe(`the IFD chain loops: this IFD is at byte ${ifd}, where IFD 0 is`);
  });

  it("a chain of two IFDs whose second points back at the first", async () => {
    const { bytes } = writeTiff({ images: [tiled, overview] });
    const [first, second] = ifdOffsets(bytes) as [number, number];
    const looped = bytes.slice();
    new DataView(looped.buffer).setUint32(nextField(bytes, second), first, true);
    expect((await failure(looped)).object).toBe("IFD 2");
  });

  it("a SubIFD that points at its own IFD", async () => {
    const spec = (at: number) => ({
      images: [{ ...strips, extraTags: [{ tag: 330, type: 4, values: [at] }] }],
    });
    const at = ifdOffsets(writeTiff(spec(0)).bytes)[0] as number;
    const error = await failure(writeTiff(spec(at)).bytes);
    expect(error.object).toBe("IFD 0 SubIFD 0");
    expect(error.detail).toContain("the IFD chain loops");
  });

  it("SamplesPerPixel 65535 with one BitsPerSample: refused, naming the tags", async () => {
    const { bytes } = writeTiff({ images: [strips] });
    const error = await failure(patchTag(bytes, ifdOffsets(bytes)[0] as number, 277, 65535));
    expect(error.object).toBe("IFD 0, tag 258 (BitsPerSample)");
    expect(error.detail).toBe("1 values, expected one per sample (SamplesPerPixel 65535)");
  });

  it("RowsPerStrip 0 and TileWidth 0", async () => {
    const s = writeTiff({ images: [strips] }).bytes;
    const rows = await failure(patchTag(s, ifdOffsets(s)[0] as number, 278, 0));
    expect(rows.object).toBe("IFD 0, tag 278 (RowsPerStrip)");
    expect(rows.detail).toBe("0, expected an integer from 1 to 4294967295");
    const t = writeTiff({ images: [tiled] }).bytes;
    expect((await failure(patchTag(t, ifdOffsets(t)[0] as number, 322, 0))).object).toBe(
      "IFD 0, tag 322 (TileWidth)",
    );
  });

  it("a tile width of 932 on a one-tile level (TIFF 6.0 wants multiples of 16): refused, naming IFD and tag", async () => {
    // one 64x64 tile: a wider tile still covers the level with one tile, so the tile grid cannot tell
    const one: ImageSpec = {
      width: 64,
      height: 64,
      tile: [64, 64],
      bits: 8,
      compression: 8,
      data: ramp(4096),
    };
    const t = writeTiff({ images: [one] }).bytes;
    const ifd = ifdOffsets(t)[0] as number;
    const wide = await failure(patchTag(t, ifd, 322, 932));
    expect(wide.object).toBe("IFD 0, tag 322 (TileWidth)");
    expect(wide.detail).toBe("932, expected a multiple of 16 (TIFF 6.0, section 15)");
    const tall = await failure(patchTag(t, ifd, 323, 65534));
    expect(tall.object).toBe("IFD 0, tag 323 (TileLength)");
  });

  it("a byte count of 0 beside a real offset: refused (libtiff refuses it; GDAL's sparse blocks are 0 and 0)", async () => {
    const one: ImageSpec = {
      width: 16,
      height: 16,
      tile: [16, 16],
      bits: 8,
      compression: 8,
      data: ramp(256),
    };
    const t = writeTiff({ images: [one] }).bytes;
    const error = await failure(patchTag(t, ifdOffsets(t)[0] as number, 325, 0));
    expect(error.object).toBe("IFD 0, tag 325 (TileByteCounts)");
    expect(error.detail).toMatch(
      /^block 0 has byte count 0 at offset \d+, expected a byte count above 0, or offset 0 too for a sparse block$/,
    );
  });

  it("a width that needs more tiles than the offsets list", async () => {
    const t = writeTiff({ images: [tiled] }).bytes;
    const error = await failure(patchTag(t, ifdOffsets(t)[0] as number, 256, 65535));
    expect(error.object).toBe("IFD 0, tag 324 (TileOffsets)");
    expect(error.detail).toBe("16 values, expected 16384 tiles (65535x64 pixels in blocks of 16x16)");
  });

  it("an uncompressed strip shorter than its pixels", async () => {
    const { bytes } = writeTiff({ images: [{ ...strips, rowsPerStrip: 20 }] });
    const error = await failure(patchTag(bytes, ifdOffsets(bytes)[0] as number, 279, 100));
    expect(error.object).toBe("IFD 0, tag 279 (StripByteCounts)");
    expect(error.detail).toBe(
      "block 0 holds 100 bytes, expected 640 for 32x20 uncompressed pixels of 1 x 8 bits",
    );
  });

  it("a tag whose values lie past the end of the file, and an IFD cut short", async () => {
    const { bytes } = writeTiff({ images: [tiled] });
    const ifd = ifdOffsets(bytes)[0] as number;
    const moved = patchTag(bytes, ifd, 324, bytes.length - 8);
    const error = await failure(moved);
    expect(error.object).toBe("IFD 0, tag 324 (TileOffsets)");
    expect(error.detail).toContain("run past the end of the file");
    const cut = await failure(bytes.slice(0, ifd + 20));
    expect(cut.object).toBe("IFD 0");
    expect(cut.detail).toContain("runs past the end of the file");
  });

  it("a strip offset pointing into the header or an IFD, and offset 0 with bytes: refused, not read as data", async () => {
    const { bytes } = writeTiff({ images: [{ ...strips, rowsPerStrip: 20 }] });
    const ifd = ifdOffsets(bytes)[0] as number;
    const error = await failure(patchTag(bytes, ifd, 273, 4));
    expect(error.object).toBe("IFD 0, tag 273 (StripOffsets)");
    expect(error.detail).toBe(
      "block 0 (640 bytes at 4) overlaps header (8 bytes at 0): corrupt offset or byte count",
    );
    const inIfd = await failure(patchTag(bytes, ifd, 273, ifd - 600));
    expect(inIfd.detail).toMatch(/^block 0 \(640 bytes at \d+\) overlaps IFD 0 /);
    const zero = await failure(patchTag(bytes, ifd, 273, 0));
    expect(zero.detail).toBe(
      "block 0 of 640 bytes (tag 279 (StripByteCounts)) at offset 0, expected a sparse block (byte count 0) or an offset past the header",
    );
  });
});
