/**
 * The files the mutation suite mutates: files generated here (h5wasm for HDF5 with every chunk index, by hand for
 * an HDF5 layout message version 2, our NetCDF3 writer, geotiff.js' writer) and, where the fixtures folder is
 * present, small real files of each format no one here wrote.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeArrayBuffer } from "geotiff";
import h5wasm from "h5wasm/node";
import { fixturesDir, haveFixtures } from "../fixtures.js";
import { layoutSite, oldLayoutMessage, withLayoutMessage } from "../scanner/hdf5/old-layout.js";
import { writeNetCDF3 } from "../scanner/netcdf3/write-netcdf3.js";
import type { Format } from "./mutants.js";

export interface Seed {
  name: string;
  format: Format;
  path: string;
}

/** Small real files: each format's structures as other writers lay them out. */
const FIXTURES: Array<[Format, string]> = [
  ["hdf5", "hdf5-json/h5ex_d_chunk.h5"],
  ["hdf5", "hdf5-json/h5ex_d_unlimgzip.h5"],
  ["hdf5", "hdf5-json/h5ex_d_checksum.h5"],
  ["hdf5", "jhdf/implicit_index_datasets.hdf5"],
  ["hdf5", "jhdf/hdf_v14_test1.hdf5"],
  ["hdf5", "jhdf/superblock-extension.hdf5"],
  ["hdf5", "pyfive/filter_pipeline_v2.hdf5"],
  ["hdf5", "netcdf-c/ref_tst_dims.nc"],
  ["hdf5", "netcdf-c/ref_hdf5_compat2.nc"],
  ["hdf5", "jhdf/test_compact_datasets_earliest.hdf5"],
  ["netcdf3", "georust-netcdf/pres_temp_4D.nc"],
  ["netcdf3", "georust-netcdf/sfc_pres_temp.nc"],
  ["netcdf3", "netcdf-c/ref_test_360_day_1900.nc"],
  ["netcdf3", "xarray-data/tiny.nc"],
  ["tiff", "cogeotiff/rgba8_strip.tiff"],
  ["tiff", "cogeotiff/big.endian.tiff"],
  ["tiff", "cogeotiff/rgba8_cog.tiff"],
  ["tiff", "cogeotiff/be_cog.tiff"],
  ["tiff", "rasterio/float32.tif"],
  ["tiff", "rasterio/byte.tif"],
  ["tiff", "rasterio/float_raster_with_nodata.tif"],
];

const ramp = (n: number, scale = 1) => Array.from({ length: n }, (_, i) => i * scale);

async function hdf5Seeds(dir: string): Promise<Seed[]> {
  await h5wasm.ready;
  const latest = join(dir, "gen-latest.h5");
  const f = new h5wasm.File(latest, "w", { libver: "latest" } as never);
  f.create_attribute("title", "mutation seed");
  const g = f.create_group("g");
  g.create_dataset({
    name: "fixed",
    data: new Float32Array(ramp(48, 0.5)),
    shape: [6, 8],
    chunks: [3, 4],
    compression: "gzip",
  } as never);
  g.create_dataset({
    name: "ext",
    data: new Int32Array(ramp(40)),
    shape: [10, 4],
    maxshape: [null, 4],
    chunks: [2, 4],
  } as never);
  f.create_dataset({
    name: "bt2",
    data: new Int16Array(ramp(30)),
    shape: [5, 6],
    maxshape: [null, null],
    chunks: [2, 3],
  } as never);
  f.create_dataset({
    name: "single",
    data: new Float64Array(ramp(12, 0.25)),
    shape: [3, 4],
    chunks: [3, 4],
  } as never);
  f.create_dataset({ name: "contig", data: new Uint8Array(ramp(20)), shape: [20] } as never);
  f.close();
  const earliest = join(dir, "gen-earliest.h5");
  const e = new h5wasm.File(earliest, "w", { libver: ["earliest", "latest"] } as never);
  e.create_dataset({
    name: "btree",
    data: new Float32Array(ramp(96, 1.5)),
    shape: [8, 12],
    chunks: [3, 5],
    compression: "gzip",
  } as never);
  e.create_dataset({ name: "plain", data: new Int32Array(ramp(16)), shape: [4, 4] } as never);
  e.close();
  // a layout message of version 2, as HDF5 1.4-1.6 wrote it (HDF-EOS5 swaths)
  const bytes = new Uint8Array(readFileSync(earliest));
  const site = await layoutSite(bytes, "btree");
  const address = Number(new DataView(site.message.buffer).getBigUint64(3, true));
  const old = join(dir, "gen-layout-v2.h5");
  const body = oldLayoutMessage({ version: 2, layoutClass: 2, dims: [3, 5], elementSize: 4, address });
  writeFileSync(old, withLayoutMessage(bytes, site, body));
  return [
    { name: "gen-latest.h5", format: "hdf5", path: latest },
    { name: "gen-earliest.h5", format: "hdf5", path: earliest },
    { name: "gen-layout-v2.h5", format: "hdf5", path: old },
  ];
}

function netcdf3Seeds(dir: string): Seed[] {
  return ([1, 2, 5] as const).map((version) => {
    const { bytes } = writeNetCDF3({
      version,
      dims: [
        ["time", 0],
        ["y", 3],
        ["x", 4],
      ],
      numrecs: 3,
      attrs: [{ name: "title", type: "char", values: "seed" }],
      vars: [
        { name: "x", type: "float", dims: ["x"], data: ramp(4, 0.5) },
        { name: "t", type: "double", dims: ["time"], data: ramp(3) },
        { name: "v", type: "short", dims: ["time", "y", "x"], data: ramp(36) },
        { name: "grid", type: "int", dims: ["y", "x"], data: ramp(12, 3) },
      ],
    });
    const name = `gen-cdf${version}.nc`;
    writeFileSync(join(dir, name), bytes);
    return { name, format: "netcdf3" as Format, path: join(dir, name) };
  });
}

function tiffSeeds(dir: string): Seed[] {
  const values = new Uint16Array(ramp(40 * 30).map((v) => v % 65521));
  const buffer = writeArrayBuffer(values, { width: 40, height: 30, BitsPerSample: [16] } as never);
  const path = join(dir, "gen-strip.tif");
  writeFileSync(path, new Uint8Array(buffer));
  return [{ name: "gen-strip.tif", format: "tiff", path }];
}

/** Write the seeds into `dir` (copies of fixtures, so mutants and originals sit together). */
export async function makeSeeds(dir: string): Promise<Seed[]> {
  const seeds = [...(await hdf5Seeds(dir)), ...netcdf3Seeds(dir), ...tiffSeeds(dir)];
  if (haveFixtures) {
    for (const [format, file] of FIXTURES) {
      const from = join(fixturesDir, file);
      if (!existsSync(from)) continue;
      const name = file.replace("/", "__");
      copyFileSync(from, join(dir, name));
      seeds.push({ name, format, path: join(dir, name) });
    }
  }
  return seeds;
}
