/**
 * Every TIFF fixture: each image level (and mask) read through our references with readArray equals
 * geotiff.js readRasters of the same IFD, exactly (readRGB for YCbCr JPEG, which our codec turns into RGB).
 * WebP fixtures too: geotiff.js decodes WebP only in browsers, so the oracle gets libwebp through its addDecoder
 * (geotiff-webp.ts; the same deterministic decoder, so lossy tiles compare exactly, no tolerance). sparse.tiff's
 * levels over 4096x4096 (1.6 GB at full size, every tile empty) are compared over a 1024x1024 window.
 */
import { fromFile, type GeoTIFFImage } from "geotiff";
import { beforeAll, describe, expect, it } from "vitest";
import "../../refs/store/codecs/index.js";
import { FileSource } from "../../refs/storage/file.js";
import { readArray } from "../../refs/store/read-array.js";
import { scanTiff } from "../../scanner/tiff/index.js";
import { fixtureFiles, haveFixtures } from "../fixtures.js";
import { registerGeotiffWebp } from "../scanner/tiff/geotiff-webp.js";

const files = fixtureFiles().filter((f) => f.format === "tiff");

/** readRasters as one C-order array in our layout: (Y, X, S) chunky, (S, Y, X) planar, (Y, X) single band. */
/** Levels over this many pixels (sparse.tiff's) are compared over a WINDOW x WINDOW window at the origin. */
const WHOLE_LIMIT = 4096 * 4096;
const WINDOW = 1024;

async function geotiffValues(
  image: GeoTIFFImage,
  planar: boolean,
  window?: [number, number, number, number],
): Promise<ArrayLike<number>> {
  // YCbCr JPEG: readRasters gives the coded YCbCr, readRGB the RGB that our codec (like imagecodecs) returns
  if (image.fileDirectory.getValue("PhotometricInterpretation" as never) === 6) {
    return (await image.readRGB({ interleave: true })) as unknown as ArrayLike<number>;
  }
  if (!planar) return (await image.readRasters({ interleave: true, window })) as unknown as ArrayLike<number>;
  const bands = (await image.readRasters({ window })) as unknown as ArrayLike<number>[];
  const n = bands[0]?.length ?? 0;
  const out = new Float64Array(n * bands.length);
  bands.forEach((b, s) => {
    for (let i = 0; i < n; i++) out[s * n + i] = b[i] as number;
  });
  return out;
}

function firstDifference(a: ArrayLike<number | bigint>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) {
    const x = Number(a[i]);
    const y = b[i] as number;
    if (!(x === y || (Number.isNaN(x) && Number.isNaN(y)))) return i;
  }
  return -1;
}

describe.skipIf(!haveFixtures)(
  "TIFF fixtures: values through our references equal geotiff.js readRasters",
  () => {
    beforeAll(registerGeotiffWebp);
    for (const f of files) {
      it(`${f.origin}/${f.file}`, async () => {
        const { refs } = await scanTiff(new FileSource(f.path), f.file);
        const tiff = await fromFile(f.path);
        const open = () => new FileSource(f.path);
        const count = await tiff.getImageCount();
        const levels: GeoTIFFImage[] = [];
        const masks: GeoTIFFImage[] = [];
        for (let i = 0; i < count; i++) {
          const image = await tiff.getImage(i);
          const subfile = Number(image.fileDirectory.getValue("NewSubfileType" as never) ?? 0);
          ((subfile & 4) !== 0 ? masks : levels).push(image);
        }
        let compared = 0;
        const check = async (path: string, image: GeoTIFFImage) => {
          const zarray = refs.metadata.get(path ? `${path}/.zarray` : ".zarray");
          expect(zarray, path).toBeDefined();
          const dims = refs.metadata.get(path ? `${path}/.zattrs` : ".zattrs")?._ARRAY_DIMENSIONS as string[];
          const shape = (zarray?.shape ?? []) as number[];
          const big = image.getWidth() * image.getHeight() > WHOLE_LIMIT;
          const region = big
            ? shape.map((n, d) => [0, /^[XY]\d*$/.test(dims[d] ?? "") ? Math.min(n, WINDOW) : n] as const)
            : undefined;
          const window = big
            ? ([0, 0, Math.min(image.getWidth(), WINDOW), Math.min(image.getHeight(), WINDOW)] as [
                number,
                number,
                number,
                number,
              ])
            : undefined;
          const ours = await readArray(refs, path, { open, region });
          const theirs = await geotiffValues(image, dims[0] === "S", window);
          const at = firstDifference(ours.data as ArrayLike<number>, theirs);
          expect(
            at,
            `${path}: first difference at ${at} (${ours.data.length} vs ${theirs.length} values)`,
          ).toBe(-1);
          compared++;
        };
        for (const [level, image] of levels.entries())
          await check(levels.length > 1 || refs.metadata.has(".zgroup") ? String(level) : "", image);
        for (const image of masks) {
          const level = levels.findIndex(
            (l) => l.getWidth() === image.getWidth() && l.getHeight() === image.getHeight(),
          );
          await check(`mask_${level}`, image);
        }
        expect(compared).toBe(levels.length + masks.length);
      });
    }
  },
);
