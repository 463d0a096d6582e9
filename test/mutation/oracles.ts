/**
 * The independent readers of the mutation suite, reading a file directly: h5wasm (the HDF5 C library) for
 * HDF5/NetCDF4, netcdfjs for NetCDF3, geotiff.js readRasters for TIFF image levels. Each answers per array:
 * its values, "refused" (the reader cannot read it: e.g. HDF5 reports a bad checksum), or "skip" (values not
 * comparable element by element with ours).
 */

import { readFileSync } from "node:fs";
import { fromFile, type GeoTIFFImage } from "geotiff";
import * as h5wasmModule from "h5wasm/node";
import h5wasm, { type Dataset } from "h5wasm/node";
import { NetCDFReader } from "netcdfjs";
import type { Format } from "./mutants.js";

export type OracleValues = ArrayLike<unknown> | "refused" | "skip";

/** HDF5 type classes h5wasm gives no comparable values for: opaque, compound, reference, vlen sequence, array. */
const H5_NOT_COMPARABLE = new Set([5, 6, 7, 9, 10]);

export interface Oracle {
  values(array: string, shape: readonly number[]): Promise<OracleValues>;
  close(): void;
}

export async function openOracle(format: Format, path: string): Promise<Oracle> {
  if (format === "hdf5") return hdf5Oracle(path);
  if (format === "netcdf3") return netcdf3Oracle(path);
  return tiffOracle(path);
}

/** h5wasm returns zeros where HDF5 fails a read (a bad filter checksum...) unless its errors are made to throw. */
let throwing = false;

async function hdf5Oracle(path: string): Promise<Oracle> {
  await h5wasm.ready;
  if (!throwing) {
    const module = (h5wasmModule as unknown as { Module?: { activate_throwing_error_handler(): void } })
      .Module;
    module?.activate_throwing_error_handler();
    throwing = module !== undefined;
  }
  let file: InstanceType<typeof h5wasm.File> | undefined;
  try {
    file = new h5wasm.File(path, "r");
    if ((file as unknown as { file_id: bigint | number }).file_id < 0) file = undefined;
  } catch {
    file = undefined;
  }
  return {
    async values(array) {
      if (!file) return "refused";
      try {
        const entity = file.get(`/${array}`);
        if (!entity || !(entity instanceof h5wasm.Dataset)) return "refused";
        const dataset = entity as Dataset;
        if (dataset.filters.some((f) => f.id >= 256)) return "skip";
        const meta = dataset.metadata as { type: number; littleEndian?: boolean; size: number };
        if (H5_NOT_COMPARABLE.has(meta.type) || (meta.type === 8 && meta.littleEndian === false))
          return "skip";
        if (meta.type === 1 && meta.size === 2) return "skip"; // float16: h5wasm refuses
        const value = dataset.value as unknown;
        if (value === null || value === undefined) return "refused";
        if (Array.isArray(value)) return value.flat(Number.POSITIVE_INFINITY);
        if (typeof value === "object" && "length" in value) return value as ArrayLike<unknown>;
        return [value];
      } catch {
        return "refused";
      }
    },
    close() {
      try {
        file?.close();
      } catch {}
    },
  };
}

function netcdf3Oracle(path: string): Oracle {
  let reader: NetCDFReader | undefined;
  try {
    reader = new NetCDFReader(readFileSync(path));
  } catch {
    reader = undefined;
  }
  return {
    async values(array, shape) {
      if (!reader) return "refused";
      try {
        const variable = reader.variables.find((v) => v.name === array);
        if (!variable) return "refused";
        if (variable.type === "char") return "skip"; // netcdfjs trims char data as text
        const data = reader.getDataVariable(array) as unknown[];
        const total = shape.reduce((a, b) => a * b, 1);
        let flat: unknown[];
        if (variable.record) {
          const perRecord = shape.slice(1).reduce((a, b) => a * b, 1);
          flat = data.flatMap((record) =>
            (Array.isArray(record) ? record.flat(Number.POSITIVE_INFINITY) : [record]).slice(0, perRecord),
          );
        } else flat = (data.flat(Number.POSITIVE_INFINITY) as unknown[]).slice(0, total);
        // netcdfjs gives NC_BYTE unsigned; ours are signed
        return variable.type === "byte" ? flat.map((v) => ((v as number) << 24) >> 24) : flat;
      } catch {
        return "refused";
      }
    },
    close() {},
  };
}

async function tiffOracle(path: string): Promise<Oracle> {
  const levels: GeoTIFFImage[] = [];
  let ok = true;
  try {
    const tiff = await fromFile(path);
    const count = await tiff.getImageCount();
    for (let i = 0; i < count && i < 64; i++) {
      const image = await tiff.getImage(i);
      const subfile = Number(image.fileDirectory.getValue("NewSubfileType" as never) ?? 0);
      if ((subfile & 4) === 0) levels.push(image);
    }
  } catch {
    ok = false;
  }
  return {
    async values(array) {
      // image levels only: "" (a single image) or "0", "1", ...; coordinates and masks are not compared
      if (array !== "" && !/^\d+$/.test(array)) return "skip";
      const image = levels[array === "" ? 0 : Number(array)];
      if (!ok || !image) return "refused";
      try {
        if (image.fileDirectory.getValue("PhotometricInterpretation" as never) === 6)
          return (await image.readRGB({ interleave: true })) as unknown as ArrayLike<number>;
        const planar = image.fileDirectory.getValue("PlanarConfiguration" as never) === 2;
        if (!planar || image.getSamplesPerPixel() === 1)
          return (await image.readRasters({ interleave: true })) as unknown as ArrayLike<number>;
        const bands = (await image.readRasters()) as unknown as ArrayLike<number>[];
        return bands.flatMap((b) => Array.from(b));
      } catch {
        return "refused";
      }
    },
    close() {},
  };
}

/** First difference of two flat value lists (NaN = NaN, bigint = number by value), or undefined. */
export function firstDifference(ours: ArrayLike<unknown>, theirs: ArrayLike<unknown>): string | undefined {
  if (ours.length !== theirs.length) return `${ours.length} values vs ${theirs.length}`;
  for (let i = 0; i < ours.length; i++) {
    let a = ours[i];
    let b = theirs[i];
    if (typeof a === "bigint") a = Number(a);
    if (typeof b === "bigint") b = Number(b);
    if (typeof a === "boolean") a = a ? 1 : 0;
    if (typeof b === "boolean") b = b ? 1 : 0;
    if (a === b) continue;
    if (typeof a === "number" && typeof b === "number" && Number.isNaN(a) && Number.isNaN(b)) continue;
    if (typeof a === "string" && typeof b === "string" && a === b.replace(/\0+$/, "")) continue;
    return `element ${i}: ${String(a)} vs ${String(b)}`;
  }
  return undefined;
}
