/**
 * GeoTIFF scans over HTTP (loopback range server): references identical to a local scan, and only IFDs, tag
 * values and tile tables cross the network (plus short last strips, inlined by design): the bytes read are at
 * most the 64 KiB cache blocks that hold those ranges (found by tiff-structure.ts's own walk of the file; the
 * last block of a file may be short) and at least the ranges themselves. Requests and bytes are printed.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileSource } from "../../../refs/storage/file.js";
import { HttpSource } from "../../../refs/storage/http.js";
import { CountingSource } from "../../../refs/storage/middleware/count.js";
import { scanTiff } from "../../../scanner/tiff/index.js";
import { fixtureFiles } from "../../fixtures.js";
import { type RangeServer, startRangeServer } from "../../servers/http-range-server.js";
import { flatten } from "../netcdf3/kerchunk-refs.js";
import { blockBytes, metadataRanges } from "./tiff-structure.js";

/** The block size of scanner/tiff/source.ts's cache. */
const BLOCK = 64 * 1024;

let server: RangeServer;
beforeAll(async () => {
  server = await startRangeServer();
});
afterAll(async () => server.close());

const files = fixtureFiles().filter((f) => f.format === "tiff" && f.bytes > 250_000);

describe("GeoTIFF remote scans read headers only", () => {
  for (const f of files) {
    it(f.file, async () => {
      const bytes = new Uint8Array(readFileSync(f.path));
      server.objects.set(`/${f.file}`, bytes);
      const counting = new CountingSource(new HttpSource(`${server.origin}/${f.file}`));
      const { refs } = await scanTiff(counting, f.file, { inlineThreshold: 0 });
      const { stats } = counting;
      const ranges = metadataRanges(bytes);
      const needed = ranges.reduce((n, r) => n + r.length, 0);
      const bound = blockBytes(ranges, BLOCK);
      console.log(
        `${f.file}: ${bytes.length} bytes, metadata ${needed} bytes in ${bound / BLOCK} blocks, scan read ${stats.bytes} bytes in ${stats.requests} requests`,
      );
      expect(stats.requests).toBeLessThanOrEqual(bound / BLOCK);
      expect(stats.bytes).toBeLessThanOrEqual(bound);
      expect(stats.bytes).toBeGreaterThanOrEqual(needed);
      const local = await scanTiff(new FileSource(f.path), f.file, { inlineThreshold: 0 });
      expect(flatten(refs)).toEqual(flatten(local.refs));
    });
  }
});
