/**
 * The independent reader: h5wasm (the HDF5 C library compiled to WebAssembly) reading the original file, and a
 * comparison of its values with ours read back through the references with refs/store's readArray.
 */
import { readFileSync } from "node:fs";
import h5wasm from "h5wasm/node";
import type { ReferenceSet } from "../../../refs/model/reference-set.js";
import { FileSource } from "../../../refs/storage/file.js";
import "../../../refs/store/codecs/index.js";
import { readArray } from "../../../refs/store/read-array.js";

export async function h5wasmReady(): Promise<typeof h5wasm> {
  await h5wasm.ready;
  return h5wasm;
}

/** Flatten h5wasm's value (typed array, array, nested arrays of compound members, scalar) to a plain list. */
function flatten(value: unknown): unknown[] {
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<unknown>);
  if (Array.isArray(value)) return value.flatMap((v) => flatten(v));
  return [value];
}

interface H5wasmMetadata {
  type: number;
  size: number;
  signed: boolean;
  littleEndian: boolean;
}
interface H5wasmDataset {
  value: unknown;
  shape: number[] | null;
  metadata: H5wasmMetadata;
  _metadata?: H5wasmMetadata;
}

/**
 * h5wasm's values; for float16, which its value getter refuses ("Float16 not supported"), the 16-bit words HDF5
 * read (h5wasm told to take them as uint16), decoded here by IEEE 754 binary16 rules.
 */
function h5wasmValues(dataset: H5wasmDataset): unknown {
  const meta = dataset.metadata;
  if (meta.type !== 1 || meta.size !== 2) return dataset.value;
  dataset._metadata = { ...meta, type: 0, signed: false };
  const words = dataset.value as Uint16Array;
  return Array.from(words, (w) => halfToNumber(meta.littleEndian ? w : ((w & 0xff) << 8) | (w >> 8)));
}

function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

const OPAQUE = 5;

/**
 * Opaque data is bytes: h5wasm gives them as one Uint8Array, and we reference them as |S<n>, whose text form
 * loses trailing NULs. Compare the bytes our references point at (one unfiltered chunk) with h5wasm's.
 */
function compareOpaque(
  refs: ReferenceSet,
  arrayPath: string,
  localPath: string,
  dataset: H5wasmDataset,
): string | undefined {
  const expected = dataset.value as Uint8Array;
  const table = refs.arrays.get(arrayPath);
  const meta = refs.metadata.get(`${arrayPath}/.zarray`);
  if (table?.count !== 1 || meta?.filters !== null) return "opaque data in several or filtered chunks";
  const ref = table.get(0);
  let got: Uint8Array;
  if (ref?.kind === "inline") got = ref.data;
  else if (ref?.kind === "range") got = readFileSync(localPath).subarray(ref.offset, ref.offset + ref.length);
  else return `opaque chunk is ${ref?.kind ?? "missing"}`;
  if (got.length !== expected.length) return `${got.length} bytes referenced, h5wasm ${expected.length}`;
  const at = got.findIndex((b, i) => b !== expected[i]);
  return at < 0 ? undefined : `byte ${at}: ours ${got[at]}, h5wasm ${expected[at]}`;
}

function same(a: unknown, b: unknown): boolean {
  if (typeof a === "bigint") a = Number(a);
  if (typeof b === "bigint") b = Number(b);
  if (typeof a === "boolean") a = a ? 1 : 0;
  if (typeof b === "boolean") b = b ? 1 : 0;
  if (typeof a === "number" && typeof b === "number") return a === b || (Number.isNaN(a) && Number.isNaN(b));
  // kerchunk's embedded compound records turn numbers into strings when a member is a string.
  if (typeof a === "string" && typeof b === "number") return same(Number(a), b);
  return a === b;
}

/**
 * Values of `arrayPath` read through our references equal h5wasm's reading of `/arrayPath` in the file at
 * `localPath`. Returns a description of the first difference, or undefined when equal.
 */
export async function compareWithH5wasm(
  refs: ReferenceSet,
  arrayPath: string,
  localPath: string,
): Promise<string | undefined> {
  const h5 = await h5wasmReady();
  const file = new h5.File(localPath, "r");
  try {
    const dataset = file.get(`/${arrayPath}`) as H5wasmDataset | null;
    if (!dataset) return `h5wasm finds no dataset /${arrayPath}`;
    if (dataset.metadata.type === OPAQUE) return compareOpaque(refs, arrayPath, localPath, dataset);
    const expected = flatten(h5wasmValues(dataset));
    const ours = await readArray(refs, arrayPath, { open: () => new FileSource(localPath) });
    const got = flatten(ours.data);
    if (got.length !== expected.length)
      return `${got.length} values through references, h5wasm ${expected.length}`;
    for (let i = 0; i < got.length; i++) {
      if (!same(got[i], expected[i]))
        return `element ${i}: ours ${String(got[i])}, h5wasm ${String(expected[i])}`;
    }
    return undefined;
  } finally {
    file.close();
  }
}
