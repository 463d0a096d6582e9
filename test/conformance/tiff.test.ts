/**
 * GeoTIFF conformance against kerchunk (tifffile) references of the real fixtures.
 * With `coordinates: false, masks: false` our references must equal kerchunk's: same keys, offsets, lengths,
 * .zarray (compressor/filters ids and parameters) and .zattrs. Deliberate differences, checked below:
 * - four-sample WebP (rgba8_strip, rgba8_tiled, sparse): our compressor adds `hasalpha: true`. libwebp stores
 *   opaque tiles without alpha and imagecodecs' codec then returns 3 channels into a 4-sample chunk; tifffile
 *   passes hasalpha=True when it decodes these itself, kerchunk's codec JSON does not.
 * - sparse.tiff: tifffile keeps only the levels that halve exactly (3 of 6); we reference every overview IFD.
 * - by default we add X/Y coordinates per level, a `spatial_ref` grid mapping (CRS) and `mask_<level>` arrays,
 *   which puts a single image into a group as array "0" (xarray opens groups, not root arrays).
 *   Images with GDAL_NODATA then also carry it as attribute `nodata` (their fill_value is 0 without one too).
 * KERCHUNK-FAIL fixtures (short last strips, which tifffile references as short chunks Zarr rejects) are checked
 * by the values suite (tiff-values.test.ts) against geotiff.js instead.
 */
import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { FileSource } from "../../refs/storage/file.js";
import { scanTiff } from "../../scanner/tiff/index.js";
import { fixtureFiles, haveFixtures } from "../fixtures.js";
import { flatten, readKerchunk } from "../scanner/netcdf3/kerchunk-refs.js";

const files = fixtureFiles().filter((f) => f.format === "tiff" && f.kerchunkPath);
/** Levels tifffile leaves out of its pyramid, per fixture. */
const EXTRA_LEVELS: Record<string, string[]> = { "sparse.tiff": ["3", "4", "5"] };

describe.skipIf(!haveFixtures)("TIFF fixtures vs kerchunk", () => {
  for (const f of files) {
    it(`${f.origin}/${f.file}`, async () => {
      const { refs } = await scanTiff(new FileSource(f.path), f.file, {
        inlineThreshold: 0,
        coordinates: false,
        masks: false,
      });
      const ours = flatten(refs);
      const theirs = readKerchunk(f.kerchunkPath as string);
      const extra = EXTRA_LEVELS[f.file] ?? [];
      const isExtra = (key: string) => extra.some((p) => key.startsWith(`${p}/`));
      // keys kerchunk lacks (beyond the extra levels)
      expect([...ours.chunks.keys()].filter((k) => !isExtra(k) && !theirs.chunks.has(k))).toEqual([]);
      // one assertion over all chunks (P071.CDF has 471,629): the keys that differ
      const differing = [...theirs.chunks].filter(
        ([key, ref]) => !isDeepStrictEqual(ours.chunks.get(key), ref),
      );
      expect(differing.map(([key]) => key)).toEqual([]);
      expect([...ours.metadata.keys()].filter((k) => !isExtra(k)).sort()).toEqual(
        [...theirs.metadata.keys()].sort(),
      );
      for (const [key, doc] of theirs.metadata) {
        const mine = { ...ours.metadata.get(key) };
        if (key === ".zattrs" && extra.length > 0) {
          const [ms] = mine.multiscales as { datasets: { path: string }[] }[];
          expect(ms?.datasets.map((d) => d.path).slice(-extra.length)).toEqual(extra);
          ms?.datasets.splice(-extra.length);
        }
        const compressor = mine.compressor as { id?: string; hasalpha?: boolean } | null | undefined;
        if (compressor?.id === "imagecodecs_webp" && (mine.shape as number[]).at(-1) === 4) {
          const { hasalpha, ...rest } = compressor;
          expect(hasalpha, key).toBe(true);
          mine.compressor = rest;
        }
        expect(mine, key).toEqual(doc);
      }
      for (const level of extra) expect(refs.metadata.get(`${level}/.zarray`)).toBeDefined();
    });
  }
});

describe.skipIf(!haveFixtures)(
  "TIFF fixtures: default references = kerchunk's + coordinates, CRS, masks",
  () => {
    for (const f of files) {
      it(`${f.origin}/${f.file}`, async () => {
        const source = new FileSource(f.path);
        const plain = flatten(
          (await scanTiff(source, f.file, { inlineThreshold: 0, coordinates: false, masks: false })).refs,
        );
        const full = await scanTiff(source, f.file, { inlineThreshold: 0 });
        const rich = flatten(full.refs);
        const single = plain.metadata.has(".zarray");
        const moved = (key: string) => (single ? `0/${key}` : key);
        for (const [key, ref] of plain.chunks) expect(rich.chunks.get(moved(key)), key).toEqual(ref);
        for (const [key, doc] of plain.metadata) {
          if (single && key === ".zattrs") continue;
          const { grid_mapping, nodata, ...rest } = rich.metadata.get(moved(key)) ?? {};
          expect(rest, key).toEqual(key === ".zattrs" && single ? {} : doc);
          if (grid_mapping !== undefined) expect(grid_mapping).toBe("spatial_ref");
          // GDAL_NODATA, which is also the fill_value (a fill_value of 0 may mean no nodata)
          if (nodata !== undefined)
            expect(nodata).toEqual(rich.metadata.get(moved(key).replace(/zattrs$/, "zarray"))?.fill_value);
        }
        const extras = [...rich.metadata.keys()].filter(
          (k) => !plain.metadata.has(k) && !plain.metadata.has(k.replace(/^0\//, "")),
        );
        for (const key of extras)
          expect(key, key).toMatch(
            /^(X\d*|Y\d*|spatial_ref|mask_\d+)\/\.z(array|attrs)$|^0\/\.z(array|attrs)$|^\.zgroup$|^\.zattrs$/,
          );
        // where the file has a tiepoint + scale (or transformation), X and Y coordinates match the image's size
        const image = rich.metadata.get("0/.zarray")?.shape as number[];
        const dims = rich.metadata.get("0/.zattrs")?._ARRAY_DIMENSIONS as string[];
        const hasGeo = JSON.stringify([...plain.metadata.values()]).includes("GeoKey");
        if (hasGeo && !f.file.startsWith("rotated")) {
          expect(rich.metadata.get("X/.zarray")?.shape).toEqual([image[dims.indexOf("X")]]);
          expect(rich.metadata.get("Y/.zarray")?.shape).toEqual([image[dims.indexOf("Y")]]);
          // a CRS with an EPSG code or WKT becomes spatial_ref; a user-defined one without WKT is reported
          const gm = rich.metadata.get("spatial_ref/.zattrs");
          if (gm) expect(gm.epsg !== undefined || gm.crs_wkt !== undefined).toBe(true);
          else expect(full.issues.map((i) => i.feature)).toContain("crs");
        }
      });
    }
  },
);
