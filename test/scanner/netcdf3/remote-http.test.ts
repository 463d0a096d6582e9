/**
 * NetCDF3 scans over HTTP (loopback range server): references identical to a local scan, and only header bytes
 * cross the network. Requests and bytes per file are printed, so the cost of a remote scan is on record.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileSource } from "../../../refs/storage/file.js";
import { HttpSource } from "../../../refs/storage/http.js";
import { CountingSource } from "../../../refs/storage/middleware/count.js";
import { scanNetCDF3 } from "../../../scanner/netcdf3/index.js";
import { fixtureFiles } from "../../fixtures.js";
import { type RangeServer, startRangeServer } from "../../servers/http-range-server.js";
import { flatten } from "./kerchunk-refs.js";
import { writeNetCDF3 } from "./write-netcdf3.js";

let server: RangeServer;
beforeAll(async () => {
  server = await startRangeServer();
});
afterAll(async () => server.close());

const generated = writeNetCDF3({
  version: 2,
  dims: [
    ["time", 0],
    ["y", 200],
    ["x", 300],
  ],
  numrecs: 20,
  vars: Array.from({ length: 10 }, (_, i) => ({
    name: `v${i}`,
    type: "float" as const,
    dims: ["time", "y", "x"],
    data: [],
  })),
}).bytes;

const files: { name: string; bytes: Uint8Array; path?: string }[] = [
  { name: "generated.nc", bytes: generated },
  ...fixtureFiles()
    .filter((f) => f.format === "netcdf3" && f.bytes > 200_000)
    .map((f) => ({ name: f.file, bytes: new Uint8Array(readFileSync(f.path)), path: f.path })),
];

describe("NetCDF3 remote scans read headers only", () => {
  for (const file of files) {
    it(file.name, async () => {
      server.objects.set(`/${file.name}`, file.bytes);
      const counting = new CountingSource(new HttpSource(`${server.origin}/${file.name}`));
      const { refs } = await scanNetCDF3(counting, file.name, { inlineThreshold: 0 });
      const { stats } = counting;
      console.log(
        `${file.name}: ${file.bytes.length} bytes, scan read ${stats.bytes} bytes in ${stats.requests} requests`,
      );
      let headerEnd = Number.POSITIVE_INFINITY; // the first data byte
      for (const table of refs.arrays.values()) {
        for (const i of table.present()) {
          const ref = table.get(i);
          if (ref?.kind === "range") headerEnd = Math.min(headerEnd, ref.offset);
        }
      }
      expect(stats.requests).toBeLessThanOrEqual(4);
      expect(stats.bytes).toBeLessThanOrEqual(Math.max(64 * 1024, 2.5 * headerEnd));
      if (file.bytes.length > 1_000_000) expect(stats.bytes).toBeLessThan(file.bytes.length / 10);
      if (file.path) {
        const local = await scanNetCDF3(new FileSource(file.path), file.name, { inlineThreshold: 0 });
        expect(flatten(refs)).toEqual(flatten(local.refs));
      }
    });
  }
});
