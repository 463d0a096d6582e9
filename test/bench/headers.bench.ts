/**
 * Header scans per second, generated files held in memory (so parsing, not I/O, is measured):
 * - NetCDF3 (CDF-1, 200 variables with attributes, record variables): our scanNetCDF3 (header parse + references)
 *   and our parseHeader alone, against netcdfjs parsing the same header (its NetCDFReader constructor).
 * - GeoTIFF (COG-like: 4096x4096 tiled 256, 4 overviews, GeoKeys): our scanTiff (geotiff.js IFDs + references +
 *   coordinates), against geotiff.js alone opening the file from an ArrayBuffer and reading every IFD's tile tables.
 */
import { fromArrayBuffer } from "geotiff";
import { NetCDFReader } from "netcdfjs";
import { writeTiff } from "../../pipelines/demo/write-tiff.js";
import { MemorySource } from "../../refs/storage/memory.js";
import { parseHeader } from "../../scanner/netcdf3/header.js";
import { scanNetCDF3 } from "../../scanner/netcdf3/index.js";
import { scanTiff } from "../../scanner/tiff/index.js";
import { writeNetCDF3 } from "../scanner/netcdf3/write-netcdf3.js";
import type { BenchTable } from "./table.js";

async function rate(seconds: number, task: () => Promise<unknown> | unknown): Promise<number> {
  for (let i = 0; i < 3; i++) await task(); // warm up
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    await task();
    n++;
  }
  return n / ((performance.now() - start) / 1000);
}

function netcdfFile(): Uint8Array {
  return writeNetCDF3({
    version: 1,
    dims: [
      ["time", 0],
      ["y", 10],
      ["x", 10],
    ],
    numrecs: 3,
    attrs: [{ name: "title", type: "char", values: "benchmark" }],
    vars: Array.from({ length: 200 }, (_, i) => ({
      name: `var_${i}`,
      type: "float" as const,
      dims: i % 2 ? ["time", "y", "x"] : ["y", "x"],
      attrs: [
        { name: "long_name", type: "char" as const, values: `variable number ${i}` },
        { name: "units", type: "char" as const, values: "K" },
        { name: "_FillValue", type: "float" as const, values: [-999] },
        { name: "valid_range", type: "float" as const, values: [0, 400] },
      ],
      data: [],
    })),
  }).bytes;
}

function tiffFile(): Uint8Array {
  const images = [];
  for (let level = 0, size = 4096; level < 5; level++, size /= 2) {
    images.push({
      width: size,
      height: size,
      tile: [256, 256] as [number, number],
      subfileType: level ? 1 : 0,
      data: new Uint8Array(0),
      rawBlock: new Uint8Array(16), // block contents don't matter to a header scan
      compression: 8,
      geo: level
        ? undefined
        : { scale: [10, 10] as [number, number], tie: [500000, 4000000] as [number, number], epsg: 32633 },
    });
  }
  return writeTiff({ images }).bytes;
}

export default async function headersBench(): Promise<BenchTable[]> {
  const seconds = 2;
  const nc = netcdfFile();
  const ncSource = new MemorySource("mem://bench.nc", nc);
  const netcdfjs = await rate(seconds, () => new NetCDFReader(nc));
  const ourParse = await rate(seconds, () => parseHeader(nc, nc.length));
  const ourScan = await rate(seconds, () => scanNetCDF3(ncSource, "bench.nc", { inlineThreshold: 0 }));
  const tif = tiffFile();
  const tifSource = new MemorySource("mem://bench.tif", tif);
  const geotiff = await rate(seconds, async () => {
    const t = await fromArrayBuffer(tif.slice().buffer);
    const n = await t.getImageCount();
    for (let i = 0; i < n; i++) await (await t.getImage(i)).fileDirectory.loadValue("TileOffsets" as never);
  });
  const ourTiff = await rate(seconds, () => scanTiff(tifSource, "bench.tif", { inlineThreshold: 0 }));
  return [
    {
      title: `NetCDF3 headers per second (200 variables, 800 attributes, ${Math.round(parseHeader(nc, nc.length).headerLength / 1024)} KiB header)`,
      baseline: "netcdfjs NetCDFReader parsing the same header from memory",
      columns: ["reader", "headers/s", "ratio"],
      rows: [
        ["netcdfjs NetCDFReader", netcdfjs, 1],
        ["refs parseHeader", ourParse, ourParse / netcdfjs],
        ["refs scanNetCDF3 (header + references)", ourScan, ourScan / netcdfjs],
      ],
      notes: ["scanNetCDF3 also builds .zarray/.zattrs and chunk tables; netcdfjs only parses"],
    },
    {
      title: "GeoTIFF headers per second (COG 4096x4096, 256x256 tiles, 4 overviews, 341 tiles)",
      baseline: "geotiff.js fromArrayBuffer + every IFD's TileOffsets",
      columns: ["reader", "headers/s", "ratio"],
      rows: [
        ["geotiff.js fromArrayBuffer + IFDs", geotiff, 1],
        ["refs scanTiff (IFDs + references + coordinates)", ourTiff, ourTiff / geotiff],
      ],
    },
  ];
}
