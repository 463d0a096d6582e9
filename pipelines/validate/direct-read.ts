/**
 * Independent readers of a source file's variables, for comparison with what the references give: h5wasm for
 * HDF5/NetCDF4, netcdfjs for NetCDF3 (classic and 64-bit offset), geotiff.js for TIFF. Values are raw (not
 * CF-decoded), flattened in C order.
 */
import { randomUUID } from "node:crypto";
import { fromArrayBuffer, type GeoTIFF } from "geotiff";
import type { Dataset } from "h5wasm/node";
import { NetCDFReader } from "netcdfjs";
import type { JsonObject, JsonValue } from "../../refs/model/index.js";

/**
 * The values, or why none: `unsupported` when the independent reader cannot compare this kind of variable (a
 * warning), `unreadable` when the file itself fails to read (a failure: the references cannot be trusted either).
 */
export type DirectValues = { values: ArrayLike<unknown> } | { unsupported: string } | { unreadable: string };

export type SourceFormat = "hdf5" | "netcdf3" | "tiff" | "unknown";

export function sniffFormat(bytes: Uint8Array): SourceFormat {
  const ascii = (from: number, n: number) => String.fromCharCode(...bytes.subarray(from, from + n));
  if (ascii(0, 3) === "CDF" && (bytes[3] === 1 || bytes[3] === 2 || bytes[3] === 5)) return "netcdf3";
  if (ascii(0, 2) === "II" || ascii(0, 2) === "MM") return "tiff";
  for (let at = 0; at < bytes.length && at <= 1 << 20; at = at === 0 ? 512 : at * 2) {
    if (bytes[at] === 0x89 && ascii(at + 1, 3) === "HDF") return "hdf5";
  }
  return "unknown";
}

/** A file opened once for reading several variables. */
export interface DirectFile {
  format: SourceFormat;
  /** A variable's attributes as the file holds them (CF decoding uses them), or undefined (TIFF, or none). */
  attrs(variable: string): JsonObject | undefined;
  /** `shape` is the variable's shape in the references (tells planar TIFF bands from interleaved ones). */
  read(variable: string, shape?: readonly number[]): Promise<DirectValues>;
  close(): void;
  /** The TIFF as geotiff.js opened it (for checks of what the scanner derives from its tags). */
  tiff?: GeoTIFF;
}

export async function openDirect(bytes: Uint8Array): Promise<DirectFile> {
  const format = sniffFormat(bytes);
  if (format === "hdf5") return openHdf5(bytes);
  if (format === "netcdf3") return openNetcdf3(bytes);
  if (format === "tiff") return openTiff(bytes);
  return {
    format,
    attrs: () => undefined,
    read: async () => ({ unsupported: "file format not recognised" }),
    close() {},
  };
}

/** The HDF5 library's error stack, shortened to its innermost message (h5wasm raises it whole). */
export class Hdf5LibraryError extends Error {
  override name = "Hdf5LibraryError";
}

function libraryMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = [...text.matchAll(/#\d+: .* in ([\w]+)\(\): (.*)/g)];
  const innermost = lines[lines.length - 1];
  if (!innermost) return text.split("\n")[0] ?? text;
  return `${innermost[2]} (HDF5 ${innermost[1]}; ${lines.length} levels)`;
}

/**
 * Runs an h5wasm call with the HDF5 library's errors raised as exceptions instead of printed as HDF5-DIAG traces
 * on stderr: a truncated or corrupt file gives one verdict naming the file, not a page of library noise.
 */
function quietly<T>(
  module: {
    activate_throwing_error_handler?: () => number;
    deactivate_throwing_error_handler?: () => number;
  },
  fn: () => T,
): T {
  module.activate_throwing_error_handler?.();
  try {
    return fn();
  } catch (error) {
    throw new Hdf5LibraryError(libraryMessage(error), { cause: error });
  } finally {
    module.deactivate_throwing_error_handler?.();
  }
}

function jsonOf(value: unknown): JsonValue {
  if (typeof value === "bigint") return Number(value);
  if (ArrayBuffer.isView(value))
    return Array.from(value as unknown as ArrayLike<number | bigint>, (v) => Number(v));
  if (Array.isArray(value)) return value.map(jsonOf);
  if (value === null || ["string", "number", "boolean"].includes(typeof value)) return value as JsonValue;
  return String(value);
}

/** A one-element array attribute (HDF5 attributes of shape [1]) as its value, as netCDF readers give it. */
function scalarOf(value: JsonValue): JsonValue {
  return Array.isArray(value) && value.length === 1 ? (value[0] as JsonValue) : value;
}

async function openHdf5(bytes: Uint8Array): Promise<DirectFile> {
  // imported on the first HDF5 file, so validating NetCDF3 or TIFF never loads the wasm module
  const h5wasm = (await import("h5wasm/node")).default;
  const module = (await h5wasm.ready) as unknown as Parameters<typeof quietly>[0] & {
    FS: { writeFile(name: string, data: Uint8Array): void; unlink(name: string): void };
  };
  const FS = module.FS;
  const name = `/tmp-validate-${randomUUID()}.h5`;
  FS!.writeFile(name, bytes);
  let file: InstanceType<typeof h5wasm.File>;
  try {
    file = quietly(module, () => new h5wasm.File(name, "r"));
  } catch (error) {
    FS!.unlink(name);
    throw error;
  }
  const dataset = (variable: string) => {
    const entity = quietly(module, () => file.get(variable));
    return entity instanceof h5wasm.Dataset ? (entity as Dataset) : undefined;
  };
  return {
    format: "hdf5",
    attrs(variable) {
      try {
        const d = dataset(variable);
        if (!d) return undefined;
        const out: JsonObject = {};
        for (const [key, attr] of Object.entries(quietly(module, () => d.attrs))) {
          out[key] = scalarOf(jsonOf(quietly(module, () => attr.value)));
        }
        return out;
      } catch {
        return undefined;
      }
    },
    async read(variable) {
      let entity: Dataset | undefined;
      try {
        entity = dataset(variable);
      } catch (error) {
        return { unsupported: `h5wasm cannot open it: ${(error as Error).message}` };
      }
      if (!entity) return { unsupported: `no dataset "${variable}" in the file` };
      const meta = entity.metadata as { type: number };
      // compound, reference, opaque, vlen sequences, arrays: h5wasm's values are not element-comparable.
      if ([5, 6, 7, 9, 10].includes(meta.type))
        return { unsupported: `HDF5 type class ${meta.type} not compared` };
      try {
        const value = quietly(module, () => (entity as Dataset).value as unknown);
        if (Array.isArray(value)) return { values: value.flat(Number.POSITIVE_INFINITY) };
        if (value !== null && typeof value === "object" && "length" in value)
          return { values: value as ArrayLike<unknown> };
        return { values: [value] };
      } catch (error) {
        return { unreadable: `h5wasm (the HDF5 library) cannot read it: ${(error as Error).message}` };
      }
    },
    close() {
      try {
        quietly(module, () => file.close());
      } finally {
        FS!.unlink(name);
      }
    },
  };
}

function openNetcdf3(bytes: Uint8Array): DirectFile {
  if (bytes[3] === 5) {
    return {
      format: "netcdf3",
      attrs: () => undefined,
      read: async () => ({ unsupported: "netcdfjs cannot read CDF5" }),
      close() {},
    };
  }
  const reader = new NetCDFReader(bytes);
  return {
    format: "netcdf3",
    attrs(variable) {
      const v = reader.variables.find((x) => x.name === variable);
      if (!v) return undefined;
      const out: JsonObject = {};
      for (const a of v.attributes as Array<{ name: string; value: unknown }>)
        out[a.name] = scalarOf(jsonOf(a.value));
      return out;
    },
    async read(variable) {
      const v = reader.variables.find((x) => x.name === variable);
      if (!v) return { unsupported: `no variable "${variable}" in the file` };
      const data = reader.getDataVariable(variable) as unknown[];
      const dims = v.dimensions.map((id) => reader.dimensions[id]?.size ?? 0);
      if (v.record) dims[0] = reader.recordDimension.length;
      const perRecord = dims.slice(v.record ? 1 : 0).reduce((a, b) => a * b, 1);
      // netcdfjs returns each variable's (or record's) 4-byte padding as extra elements, bytes unsigned.
      const flat = v.record
        ? data.flatMap((r) => (Array.isArray(r) ? r.flat(Number.POSITIVE_INFINITY) : [r]).slice(0, perRecord))
        : (data.flat(Number.POSITIVE_INFINITY) as unknown[]).slice(0, perRecord);
      if (v.type === "byte") return { values: flat.map((x) => ((x as number) << 24) >> 24) };
      if (v.type === "char")
        return { unsupported: "netcdfjs trims char data as text; not compared element-wise" };
      return { values: flat };
    },
    close() {},
  };
}

async function openTiff(bytes: Uint8Array): Promise<DirectFile> {
  const tiff = await fromArrayBuffer(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
  );
  const count = await tiff.getImageCount();
  // The scanner names image IFDs "0", "1", ... and mask IFDs (NewSubfileType bit 2) "mask_0", ...: map names back.
  const images: number[] = [];
  const masks: number[] = [];
  for (let i = 0; i < count; i++) {
    const subfile = Number((await tiff.getImage(i)).fileDirectory.getValue("NewSubfileType") ?? 0);
    (subfile & 4 ? masks : images).push(i);
  }
  return {
    format: "tiff",
    attrs: () => undefined,
    tiff,
    async read(variable) {
      const mask = /^mask_(\d+)$/.exec(variable);
      const level = mask ? Number(mask[1]) : /^\d+$/.test(variable) ? Number(variable) : 0;
      const index = (mask ? masks : images)[level];
      if (index === undefined) return { unsupported: `no ${mask ? "mask" : "image"} ${level} in the TIFF` };
      const image = await tiff.getImage(index);
      // JPEG in YCbCr: the references decode to RGB (as imagecodecs does); geotiff.js's readRGB does the same.
      if (Number(image.fileDirectory.getValue("PhotometricInterpretation")) === 6) {
        return { values: (await image.readRGB({ interleave: true })) as unknown as ArrayLike<unknown> };
      }
      const samples = image.getSamplesPerPixel();
      // The file's own PlanarConfiguration, not the shape: a 4x4 overview of 4 bands looks planar by shape.
      const planar = samples > 1 && Number(image.fileDirectory.getValue("PlanarConfiguration")) === 2;
      if (!planar)
        return { values: (await image.readRasters({ interleave: true })) as unknown as ArrayLike<unknown> };
      const bands = (await image.readRasters({ interleave: false })) as unknown as ArrayLike<unknown>[];
      return { values: bands.flatMap((band) => Array.from(band)) };
    },
    close() {},
  };
}
