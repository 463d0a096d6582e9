/**
 * GeoTIFF scans over HTTP (loopback range server): references identical to a local scan, and only IFDs, tag
 * values and tile tables cross the network. Requests and bytes per file are printed.
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
      console.log(
        `${f.file}: ${bytes.length} bytes, scan read ${stats.bytes} bytes in ${stats.requests} requests`,
      );
      expect(stats.requests).toBeLessThanOrEqual(6);
      expect(stats.bytes).toBeLessThan(Math.max(4 * 64 * 1024, bytes.length / 4));
      const local = await scanTiff(new FileSource(f.path), f.file, { inlineThreshold: 0 });
      expect(flatten(refs)).toEqual(flatten(local.refs));
    });
  }
});
