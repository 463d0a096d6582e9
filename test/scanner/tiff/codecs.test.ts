/** The TIFF filters of our read path on hand-made blocks (their use on whole files is in scan.test.ts). */
import { deflateSync } from "node:zlib";
import { fromArrayBuffer } from "geotiff";
import { describe, expect, it } from "vitest";
import { writeTiff } from "../../../pipelines/demo/write-tiff.js";
import { MemorySource } from "../../../refs/storage/memory.js";
import { getCodec } from "../../../refs/store/codecs/index.js";
import { jpegFrame, needsYCbCrToRgb, yCbCrToRgb } from "../../../refs/store/codecs/tiff-jpeg-colour.js";
import { readArray } from "../../../refs/store/read-array.js";
import { scanTiff } from "../../../scanner/tiff/index.js";

async function decode(config: Record<string, unknown>, bytes: number[] | Uint8Array): Promise<number[]> {
  const codec = await getCodec(config as never);
  return Array.from(await codec.decode(new Uint8Array(bytes)));
}

describe("TIFF codecs", () => {
  it("imagecodecs_delta: running sum along the axis, wrapping like the dtype", async () => {
    const cfg = { id: "imagecodecs_delta", axis: -1, dist: 1, dtype: "|u1", shape: [2, 3] };
    expect(await decode(cfg, [250, 10, 1, 5, 255, 2])).toEqual([250, 4, 5, 5, 4, 6]);
    // chunky (Y, X, S): differences run along X for each sample separately
    const chunky = { ...cfg, axis: -2, shape: [1, 3, 2] };
    expect(await decode(chunky, [1, 100, 1, 1, 1, 1])).toEqual([1, 100, 2, 101, 3, 102]);
    // big-endian 16-bit
    const be = { ...cfg, dtype: ">u2", shape: [3] };
    expect(await decode(be, [0xff, 0xff, 0, 2, 0, 3])).toEqual([0xff, 0xff, 0, 1, 0, 4]);
    // 64-bit wraps at 2^64
    const wide = { ...cfg, dtype: "<u8", shape: [2] };
    const bytes = new Uint8Array(16);
    new DataView(bytes.buffer).setBigUint64(0, 2n ** 64n - 1n, true);
    new DataView(bytes.buffer).setBigUint64(8, 2n, true);
    const out = new Uint8Array(await decode(wide, bytes));
    expect(new DataView(out.buffer).getBigUint64(8, true)).toBe(1n);
  });

  it("imagecodecs_floatpred: byte planes (most significant first) back to values in the dtype's order", async () => {
    const values = [1.5, -2.25, 1e10];
    // encode by hand: planes, then byte differences
    const planes = new Uint8Array(12);
    values.forEach((v, i) => {
      const be = new Uint8Array(4);
      new DataView(be.buffer).setFloat32(0, v);
      for (let b = 0; b < 4; b++) planes[b * 3 + i] = be[b] as number;
    });
    for (let i = planes.length - 1; i >= 1; i--)
      planes[i] = ((planes[i] as number) - (planes[i - 1] as number)) & 0xff;
    for (const dtype of ["<f4", ">f4"]) {
      const out = new Uint8Array(
        await decode({ id: "imagecodecs_floatpred", axis: -1, dist: 1, dtype, shape: [3] }, planes),
      );
      const view = new DataView(out.buffer);
      expect([0, 1, 2].map((i) => view.getFloat32(i * 4, dtype === "<f4"))).toEqual([
        1.5,
        -2.25,
        Math.fround(1e10),
      ]);
    }
  });

  it("imagecodecs_packints: 1-bit runs padded to bytes", async () => {
    const cfg = { id: "imagecodecs_packints", bitspersample: 1, dtype: "|u1", runlen: 10 };
    expect(await decode(cfg, [0b10100000, 0b01000000, 0b11111111, 0b11000000])).toEqual([
      1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ]);
  });

  it("imagecodecs_packbits and imagecodecs_lzw decode through geotiff.js; bad configurations are refused", async () => {
    expect(await decode({ id: "imagecodecs_packbits" }, [0xfe, 7, 1, 1, 2])).toEqual([7, 7, 7, 1, 2]);
    // LZW: ClearCode (256), 'A', 'B', EndOfInformation (257), 9-bit codes MSB first
    const codes = [256, 65, 66, 257];
    let bits = "";
    for (const c of codes) bits += c.toString(2).padStart(9, "0");
    bits = bits.padEnd(Math.ceil(bits.length / 8) * 8, "0");
    const lzw = bits.match(/.{8}/g)?.map((b) => Number.parseInt(b, 2)) ?? [];
    expect(await decode({ id: "imagecodecs_lzw" }, lzw)).toEqual([65, 66]);
    await expect(getCodec({ id: "imagecodecs_jpeg", bitspersample: 12 })).rejects.toThrow(/12-bit JPEG/);
    await expect(
      getCodec({ id: "imagecodecs_delta", axis: -1, dist: 2, dtype: "<u2", shape: [4] }),
    ).rejects.toThrow(/imagecodecs_delta: unsupported configuration/);
  });
});

/** A LERC2 (version 2) blob of a constant float32 surface: header only, no mask bytes, no data blocks. */
function constantLerc(width: number, height: number, value: number): Uint8Array {
  const out = new Uint8Array(6 + 4 + 8 + 16 + 24 + 4);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode("Lerc2 "));
  let p = 6;
  for (const v of [2, height, width, width * height, 8, out.length, 6]) {
    view.setInt32(p, v, true); // version, rows, cols, valid pixels, micro block size, blob size, type 6 = float32
    p += 4;
  }
  for (const v of [0, value, value]) {
    view.setFloat64(p, v, true); // maxZError, zMin, zMax
    p += 8;
  }
  view.setInt32(p, 0, true); // mask bytes: 0 = every pixel valid
  return out;
}

describe("LERC", () => {
  it("imagecodecs_lerc decodes a LERC blob in a generated TIFF, equal to geotiff.js readRasters", async () => {
    const blob = constantLerc(16, 16, 2.5);
    const { bytes } = writeTiff({
      images: [
        {
          width: 16,
          height: 16,
          bits: 32,
          format: 3,
          tile: [16, 16],
          compression: 34887,
          rawBlock: blob,
          data: [],
          extraTags: [{ tag: 50674, type: 4, values: [4, 0] }],
        },
      ],
    });
    const { refs } = await scanTiff(new MemorySource("m", bytes), "m", { coordinates: false });
    expect(refs.metadata.get(".zarray")?.compressor).toEqual({ id: "imagecodecs_lerc" });
    const ours = await readArray(refs, "", { open: () => new MemorySource("m", bytes) });
    expect(Array.from(ours.data as Float32Array)).toEqual(new Array(256).fill(2.5));
    const image = await (await fromArrayBuffer(bytes.slice().buffer)).getImage(0);
    expect(Array.from((await image.readRasters({ interleave: true })) as unknown as Float32Array)).toEqual(
      Array.from(ours.data as Float32Array),
    );
  });

  it("LERC with deflate on top: zlib compressor, then the imagecodecs_lerc filter", async () => {
    const { bytes } = writeTiff({
      images: [
        {
          width: 16,
          height: 16,
          bits: 32,
          format: 3,
          tile: [16, 16],
          compression: 34887,
          rawBlock: new Uint8Array(deflateSync(constantLerc(16, 16, -7))),
          data: [],
          extraTags: [{ tag: 50674, type: 4, values: [4, 1] }],
        },
      ],
    });
    const { refs } = await scanTiff(new MemorySource("m", bytes), "m", { coordinates: false });
    expect(refs.metadata.get(".zarray")).toMatchObject({
      compressor: { id: "zlib" },
      filters: [{ id: "imagecodecs_lerc" }],
    });
    const ours = await readArray(refs, "", { open: () => new MemorySource("m", bytes) });
    expect(Array.from(ours.data as Float32Array)).toEqual(new Array(256).fill(-7));
  });
});

describe("JPEG colour", () => {
  it("finds the component count and Adobe transform before the frame", () => {
    const app14 = [0xff, 0xee, 0, 14, ...Buffer.from("Adobe"), 0, 100, 0, 0, 0, 0, 0];
    const sof = [0xff, 0xc0, 0, 17, 8, 0, 16, 0, 16, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
    expect(jpegFrame(new Uint8Array([0xff, 0xd8, ...sof]))).toEqual({
      components: 3,
      adobeTransform: undefined,
    });
    expect(jpegFrame(new Uint8Array([0xff, 0xd8, ...app14, ...sof]))).toEqual({
      components: 3,
      adobeTransform: 0,
    });
    const frame = { components: 3, adobeTransform: undefined };
    expect(needsYCbCrToRgb({ colorspace_data: 2, colorspace_jpeg: null }, frame)).toBe(true);
    expect(needsYCbCrToRgb({ colorspace_data: 2, colorspace_jpeg: 2 }, frame)).toBe(false); // stored as RGB
    expect(needsYCbCrToRgb({ colorspace_data: null, colorspace_jpeg: null }, frame)).toBe(false); // RGBA etc.
    expect(needsYCbCrToRgb({ colorspace_data: 2 }, { components: 3, adobeTransform: 0 })).toBe(false);
  });

  it("converts JFIF YCbCr to RGB", () => {
    expect(Array.from(yCbCrToRgb(new Uint8Array([128, 128, 128, 76, 85, 255, 255, 128, 128])))).toEqual([
      128, 128, 128, 254, 0, 0, 255, 255, 255,
    ]);
  });
});
