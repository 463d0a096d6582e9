/**
 * Synthetic per-file reference sets for the combine tests: arrays whose element values come from a function of
 * their (file-local) index, chunked and optionally zlib-compressed, with the chunk bytes in one in-memory object
 * per file (or inline). Reading goes through refs/store readArray over MemorySource.
 */
import { deflateSync } from "node:zlib";
import { ChunkTable, type JsonObject, type ReferenceSet } from "../../refs/model/reference-set.js";
import { MemorySource } from "../../refs/storage/memory.js";
import type { ByteSource } from "../../refs/storage/types.js";
import "../../refs/store/codecs/index.js";
import { readArray } from "../../refs/store/read-array.js";

export type Dtype = "<f8" | "<f4" | "<i4" | "<i8" | "<i2";

export interface VarSpec {
  name: string;
  dims: string[];
  shape: number[];
  chunks?: number[];
  dtype?: Dtype;
  /** Element value at a file-local index. */
  value: (index: number[]) => number;
  zlib?: boolean;
  inline?: boolean;
  fill?: number | null;
  attrs?: JsonObject;
}

function encode(dtype: Dtype, values: number[]): Uint8Array {
  const typed =
    dtype === "<f8"
      ? Float64Array.from(values)
      : dtype === "<f4"
        ? Float32Array.from(values)
        : dtype === "<i4"
          ? Int32Array.from(values)
          : dtype === "<i2"
            ? Int16Array.from(values)
            : BigInt64Array.from(values, (v) => BigInt(v));
  return new Uint8Array(typed.buffer);
}

function* indexes(shape: readonly number[]): Generator<number[]> {
  if (shape.some((n) => n === 0)) return;
  const c = shape.map(() => 0);
  for (;;) {
    yield [...c];
    let d = c.length - 1;
    for (; d >= 0; d--) {
      c[d] = (c[d] as number) + 1;
      if ((c[d] as number) < (shape[d] as number)) break;
      c[d] = 0;
    }
    if (d < 0) return;
  }
}

/** One file: a reference set plus its bytes (chunks of every non-inline array, back to back). */
export function makeFile(
  url: string,
  vars: VarSpec[],
  rootAttrs: JsonObject = {},
): { refs: ReferenceSet; bytes: Uint8Array } {
  const refs: ReferenceSet = {
    metadata: new Map([
      [".zgroup", { zarr_format: 2 }],
      [".zattrs", rootAttrs],
    ]),
    arrays: new Map(),
  };
  const parts: Uint8Array[] = [];
  let size = 0;
  for (const v of vars) {
    const chunks = v.chunks ?? v.shape;
    const dtype = v.dtype ?? "<f8";
    const fill = v.fill === undefined ? null : v.fill;
    refs.metadata.set(`${v.name}/.zarray`, {
      chunks,
      compressor: v.zlib ? { id: "zlib", level: 1 } : null,
      dtype,
      fill_value: fill,
      filters: null,
      order: "C",
      shape: v.shape,
      zarr_format: 2,
    });
    refs.metadata.set(`${v.name}/.zattrs`, { _ARRAY_DIMENSIONS: v.dims, ...(v.attrs ?? {}) });
    const grid = v.shape.map((n, d) => Math.ceil(n / (chunks[d] as number)));
    const table = new ChunkTable(grid);
    for (const cc of indexes(grid)) {
      const values: number[] = [];
      for (const local of indexes(chunks)) {
        const idx = local.map((l, d) => (cc[d] as number) * (chunks[d] as number) + l);
        const inside = idx.every((x, d) => x < (v.shape[d] as number));
        values.push(inside ? v.value(idx) : (fill ?? 0));
      }
      if (values.length === 0) values.push(v.value([]));
      let data = encode(dtype, values);
      if (v.zlib) data = new Uint8Array(deflateSync(data));
      const flat = table.flatIndex(cc);
      if (v.inline) table.set(flat, { kind: "inline", data });
      else {
        table.set(flat, { kind: "range", url, offset: size, length: data.length });
        parts.push(data);
        size += data.length;
      }
    }
    refs.arrays.set(v.name, table);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return { refs, bytes };
}

/** Files kept in memory by URL, with an open() for readArray and a readCoordinate for combine. */
export class MemoryFiles {
  readonly objects = new Map<string, Uint8Array>();

  add(url: string, vars: VarSpec[], rootAttrs?: JsonObject): { url: string; refs: ReferenceSet } {
    const { refs, bytes } = makeFile(url, vars, rootAttrs);
    this.objects.set(url, bytes);
    return { url, refs };
  }

  open = (url: string): ByteSource => {
    const bytes = this.objects.get(url);
    if (!bytes) throw new Error(`no object ${url}`);
    return new MemorySource(url, bytes);
  };

  readCoordinate = async (_url: string, refs: ReferenceSet, path: string) =>
    (await readArray(refs, path, { open: this.open })).data;

  async read(refs: ReferenceSet, path: string): Promise<{ shape: number[]; values: number[] }> {
    const r = await readArray(refs, path, { open: this.open });
    return { shape: r.shape, values: Array.from(r.data as ArrayLike<number | bigint>, Number) };
  }
}

/** Expected C-order values of a whole array of `shape` from a function of the global index. */
export function expected(shape: readonly number[], value: (index: number[]) => number): number[] {
  const out: number[] = [];
  for (const idx of indexes(shape)) out.push(value(idx));
  if (shape.length === 0) out.push(value([]));
  return out;
}
