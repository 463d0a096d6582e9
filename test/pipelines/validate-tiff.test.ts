/**
 * refs validate on every TIFF fixture scanned by our own scanner: image and mask arrays map back to the right IFDs
 * and YCbCr JPEG compares with geotiff.js's RGB conversion, so nothing fails.
 */
import { describe, expect, it } from "vitest";
import { validateReferences } from "../../pipelines/validate/index.js";
import { FileSource } from "../../refs/storage/file.js";
import "../../refs/store/codecs/index.js";
import { scanTiff } from "../../scanner/tiff/index.js";
import { fixtureFiles, haveFixtures } from "../fixtures.js";

// geotiff.js cannot decode WebP in Node (no createImageBitmap), and neither can our read path: nothing to compare.
const WEBP = /webp/i;

describe.skipIf(!haveFixtures)("refs validate over our TIFF references", () => {
  const tiffs = fixtureFiles().filter((f) => f.format === "tiff");
  it.each(tiffs.map((f) => [f.file, f] as const))("%s", async (_name, f) => {
    const source = new FileSource(f.path);
    const { refs } = await scanTiff(source, f.path, { onError: "skip" });
    const codecs = JSON.stringify([...refs.metadata.values()]);
    if (WEBP.test(codecs)) return;
    const report = await validateReferences(refs, { open: () => source, sources: [f.path] });
    const failures = [...report.metadata, ...report.variables].filter((v) => v.status === "failure");
    expect(failures, JSON.stringify(failures)).toEqual([]);
    expect(report.variables.some((v) => v.status === "success")).toBe(true);
  });
});
