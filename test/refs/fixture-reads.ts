/** Reading fixture arrays through references and directly with independent readers, for comparison in tests. */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import h5wasm, { type Dataset } from "h5wasm/node";
import { NetCDFReader } from "netcdfjs";
import { FileSource } from "../../refs/storage/file.js";
import type { ByteSource } from "../../refs/storage/types.js";

/** open(url) for references whose URLs are file names relative to the fixture's folder. */
export function folderOpener(folder: string): (url: string) => ByteSource {
  return (url) => new FileSource(url.includes("/") ? url : join(folder, url));
}

export function openerFor(path: string) {
  return folderOpener(dirname(path));
}

/**
 * HDF5 type classes (H5Tpublic.h) h5wasm cannot give comparable values for: opaque, compound, reference, vlen
 * sequences (vlen strings are class 3, compared), array.
 */
const notComparable = new Set([5, 6, 7, 9, 10]);

/**
 * Values of an HDF5 dataset read by h5wasm, flattened; null when h5wasm has no such dataset or its values are not
 * comparable element by element (compound, reference, opaque, array, vlen sequence types; big-endian enums, which
 * h5wasm returns without swapping bytes; datasets with filters h5wasm has no plugin for).
 */
export async function h5Values(path: string, datasetPath: string): Promise<ArrayLike<unknown> | null> {
  await h5wasm.ready;
  const file = new h5wasm.File(path, "r");
  // h5wasm does not throw when HDF5 refuses a file (e.g. consistency flags of a file left open for write).
  if ((file as unknown as { file_id: bigint | number }).file_id < 0) return null;
  try {
    const entity = file.get(datasetPath);
    if (!entity || !(entity instanceof h5wasm.Dataset)) return null;
    const dataset = entity as Dataset;
    // Without plugins h5wasm returns undecoded bytes for filters such as blosc (32001) and zstd (32015).
    if (dataset.filters.some((f) => f.id >= 256)) return null;
    const meta = dataset.metadata as { type: number; littleEndian?: boolean };
    if (notComparable.has(meta.type) || (meta.type === 8 && meta.littleEndian === false)) return null;
    let value: unknown;
    try {
      value = dataset.value;
    } catch {
      return null; // e.g. "Float16 not supported" by h5wasm
    }
    if (Array.isArray(value)) return value.flat(Number.POSITIVE_INFINITY);
    if (value !== null && typeof value === "object" && "length" in value) return value as ArrayLike<unknown>;
    return [value];
  } finally {
    file.close();
  }
}

let lastReader: { path: string; reader: NetCDFReader } | undefined;
function ncReader(path: string): NetCDFReader {
  if (lastReader?.path !== path) lastReader = { path, reader: new NetCDFReader(readFileSync(path)) };
  return lastReader.reader;
}

/**
 * Values of a NetCDF3 variable read by netcdfjs, flattened in C order and normalised for netcdfjs' quirks: it
 * returns the 4-byte padding of a variable (or of each record) as extra elements, NC_BYTE as unsigned and NC_CHAR
 * with sign-extended codes.
 */
export function nc3Values(path: string, name: string, shape: readonly number[]): unknown[] | null {
  const reader = ncReader(path);
  const variable = reader.variables.find((v) => v.name === name);
  if (!variable) return null;
  const data = reader.getDataVariable(name) as unknown[];
  const total = shape.reduce((a, b) => a * b, 1);
  let flat: unknown[];
  if (variable.record) {
    const perRecord = shape.slice(1).reduce((a, b) => a * b, 1);
    flat = data.flatMap((record) =>
      (Array.isArray(record) ? record.flat(Number.POSITIVE_INFINITY) : [record]).slice(0, perRecord),
    );
  } else flat = (data.flat(Number.POSITIVE_INFINITY) as unknown[]).slice(0, total);
  if (variable.type === "byte") return flat.map((v) => ((v as number) << 24) >> 24);
  if (variable.type === "char") {
    // netcdfjs trims char data as text: compare the text with NULs removed, as one string.
    const text = flat.join("").replace(/\0/g, "");
    return [[...text].map((c) => String.fromCharCode(c.charCodeAt(0) & 0xff)).join("")];
  }
  return flat;
}

/** Compare element-wise: NaN equals NaN, bigint vs number by value, strings trimmed of trailing NULs. */
export function firstDifference(ours: ArrayLike<unknown>, theirs: ArrayLike<unknown>): string | undefined {
  if (ours.length !== theirs.length) return `length ${ours.length} vs ${theirs.length}`;
  for (let i = 0; i < ours.length; i++) {
    const a = ours[i];
    const b = theirs[i];
    if (a === b) continue;
    if (typeof a === "number" && typeof b === "number" && Number.isNaN(a) && Number.isNaN(b)) continue;
    if ((typeof a === "bigint" || typeof b === "bigint") && String(a) === String(b)) continue;
    if (typeof a === "string" && typeof b === "string" && a === b.replace(/\0+$/, "")) continue;
    return `element ${i}: ${String(a)} vs ${String(b)}`;
  }
  return undefined;
}
