/**
 * The independent reader: h5wasm (the HDF5 C library compiled to WebAssembly) reading the original file, and a
 * comparison of its values with ours read back through the references with refs/store's readArray.
 */
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
    const dataset = file.get(`/${arrayPath}`) as { value: unknown; shape: number[] | null } | null;
    if (!dataset) return `h5wasm finds no dataset /${arrayPath}`;
    const expected = flatten(dataset.value);
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
