/**
 * imagecodecs_webp and imagecodecs_lzma on TIFFs written by libtiff's tiffcp (an independent writer; files in
 * ./data, made from the patterns below as data/README.md says): values through our references equal the
 * pattern that was compressed (lossless WebP, LZMA with and without predictor 2), and lossy WebP equals
 * geotiff.js readRasters and stays near the pattern (alpha exact: libwebp keeps alpha lossless by default).
 */
import { readFileSync } from "node:fs";
import { fromFile } from "geotiff";
import { beforeAll, describe, expect, it } from "vitest";
import { FileSource } from "../../../refs/storage/file.js";
import { getCodec } from "../../../refs/store/codecs/index.js";
import { LzmaError } from "../../../refs/store/codecs/tiff-lzma.js";
import { webpHasAlpha } from "../../../refs/store/codecs/tiff-webp.js";
import { readArray } from "../../../refs/store/read-array.js";
import { scanTiff } from "../../../scanner/tiff/index.js";
import { registerGeotiffWebp } from "./geotiff-webp.js";

const data = (name: string) => new URL(`./data/${name}`, import.meta.url).pathname;

/** The uint16 64x48 pattern of lzma*.tif. */
function u16Pattern(): number[] {
  const out: number[] = [];
  for (let y = 0; y < 48; y++)
    for (let x = 0; x < 64; x++) out.push((x * 517 + y * 1031 + ((x * y) % 97)) % 65536);
  return out;
}

/** The RGBA 40x24 pattern of webp*.tif (alpha varies but is never 0: WebP lossless may
 * change the colour under fully transparent pixels). */
function rgbaPattern(): number[] {
  const out: number[] = [];
  for (let y = 0; y < 24; y++)
    for (let x = 0; x < 40; x++)
      out.push((x * 6) % 256, (y * 10) % 256, (x * y) >> 2, (x + y) % 5 ? 255 : 1 + ((x * 7 + y * 3) % 255));
  return out;
}

async function ourValues(name: string): Promise<{ values: number[]; compressor: unknown; filters: unknown }> {
  const path = data(name);
  const { refs } = await scanTiff(new FileSource(path), name);
  const array = refs.metadata.has(".zgroup") ? "0" : "";
  const zarray = refs.metadata.get(array ? `${array}/.zarray` : ".zarray");
  const out = await readArray(refs, array, { open: () => new FileSource(path) });
  return {
    values: Array.from(out.data as ArrayLike<number>),
    compressor: zarray?.compressor,
    filters: zarray?.filters,
  };
}

describe("imagecodecs_lzma", () => {
  it("decodes libtiff's LZMA strips to the compressed pattern", async () => {
    const ours = await ourValues("lzma.tif");
    expect(ours.compressor).toEqual({ id: "imagecodecs_lzma" });
    expect(ours.values).toEqual(u16Pattern());
  });

  it("with predictor 2 on tiles (imagecodecs_delta after it)", async () => {
    const ours = await ourValues("lzma_pred2.tif");
    expect(ours.compressor).toEqual({ id: "imagecodecs_lzma" });
    expect((ours.filters as { id: string }[]).map((f) => f.id)).toEqual(["imagecodecs_delta"]);
    expect(ours.values).toEqual(u16Pattern());
  });

  it("refuses a block that is not an .xz stream, and a truncated one, by name", async () => {
    const codec = await getCodec({ id: "imagecodecs_lzma" });
    await expect(codec.decode(new Uint8Array([0x5d, 0, 0, 0x80, 0]))).rejects.toThrow(LzmaError);
    const whole = readFileSync(data("lzma.tif"));
    const start = whole.indexOf(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0]));
    await expect(codec.decode(new Uint8Array(whole.subarray(start, start + 40)))).rejects.toThrow(LzmaError);
  });
});

describe("imagecodecs_webp", () => {
  beforeAll(registerGeotiffWebp);

  it("lossless RGBA tiles equal the pattern, alpha included", async () => {
    const ours = await ourValues("webp_lossless.tif");
    expect(ours.compressor).toEqual({ hasalpha: true, id: "imagecodecs_webp" });
    expect(ours.values).toEqual(rgbaPattern());
  });

  it("lossy RGBA strips equal geotiff.js readRasters; colour near the pattern, alpha exact", async () => {
    const ours = await ourValues("webp_lossy.tif");
    const image = await (await fromFile(data("webp_lossy.tif"))).getImage(0);
    const theirs = Array.from(
      (await image.readRasters({ interleave: true })) as unknown as ArrayLike<number>,
    );
    expect(ours.values).toEqual(theirs);
    const pattern = rgbaPattern();
    let worst = 0;
    for (let i = 0; i < pattern.length; i++) {
      const d = Math.abs((ours.values[i] as number) - (pattern[i] as number));
      if (i % 4 === 3) expect(d, `alpha ${i}`).toBe(0);
      else worst = Math.max(worst, d);
    }
    // quality 75 on a smooth ramp: encoder loss (14 levels at most here), not a decoder difference
    expect(worst).toBeGreaterThan(0);
    expect(worst).toBeLessThan(32);
  });

  it("channels: hasalpha true -> RGBA, false -> RGB, unset -> as the bitstream says", async () => {
    const whole = readFileSync(data("webp_lossless.tif"));
    const start = whole.indexOf(Buffer.from("RIFF"));
    const size = whole.readUInt32LE(start + 4) + 8;
    const block = new Uint8Array(whole.subarray(start, start + size));
    expect(webpHasAlpha(block)).toBe(true);
    const n = 16 * 16;
    expect((await (await getCodec({ id: "imagecodecs_webp", hasalpha: true })).decode(block)).length).toBe(
      n * 4,
    );
    expect((await (await getCodec({ id: "imagecodecs_webp", hasalpha: false })).decode(block)).length).toBe(
      n * 3,
    );
    expect((await (await getCodec({ id: "imagecodecs_webp" })).decode(block)).length).toBe(n * 4);
    await expect((await getCodec({ id: "imagecodecs_webp" })).decode(block.subarray(0, 12))).rejects.toThrow(
      /RIFF\/WEBP/,
    );
  });
});
