/**
 * Synthetic reference sets for compute tests: arrays are encoded as raw little-endian chunks into one in-memory
 * "file" per array, and referenced by byte range, exactly as a scanner would reference an uncompressed file.
 */
import type { JsonObject } from "../../../refs/model/reference-set.js";
import { ChunkTable, emptyReferenceSet, type ReferenceSet } from "../../../refs/model/reference-set.js";
import { MemorySource } from "../../../refs/storage/memory.js";

export type Dtype = "<f4" | "<f8" | "<i2" | "<i4" | "<u1";

export interface ArraySpec {
  dims: string[];
  shape: number[];
  chunks?: number[];
  dtype: Dtype;
  /** C-order values. */
  data: ArrayLike<number>;
  attrs?: JsonObject;
  fillValue?: number | string | null;
}

export interface Dataset {
  refs: ReferenceSet;
  sources: Map<string, MemorySource>;
}

const CTORS = {
  "<f4": Float32Array,
  "<f8": Float64Array,
  "<i2": Int16Array,
  "<i4": Int32Array,
  "<u1": Uint8Array,
} as const;

export function typedArrayOf(dtype: Dtype, n: number) {
  return new CTORS[dtype](n);
}

export function buildDataset(arrays: Record<string, ArraySpec>): Dataset {
  const refs = emptyReferenceSet();
  const sources = new Map<string, MemorySource>();
  for (const [path, spec] of Object.entries(arrays)) {
    const chunks = spec.chunks ?? spec.shape;
    const grid = spec.shape.map((n, d) => Math.ceil(n / (chunks[d] as number)));
    refs.metadata.set(`${path}/.zarray`, {
      zarr_format: 2,
      shape: spec.shape,
      chunks,
      dtype: spec.dtype,
      compressor: null,
      filters: null,
      fill_value: spec.fillValue ?? null,
      order: "C",
    });
    refs.metadata.set(`${path}/.zattrs`, { _ARRAY_DIMENSIONS: spec.dims, ...(spec.attrs ?? {}) });
    const table = new ChunkTable(grid);
    const parts: Uint8Array[] = [];
    let offset = 0;
    const url = `memory://${path}.bin`;
    for (let flat = 0; flat < table.count; flat++) {
      const coords = table.coords(flat);
      const bytes = encodeChunk(spec, chunks, coords);
      table.set(flat, { kind: "range", url, offset, length: bytes.length });
      parts.push(bytes);
      offset += bytes.length;
    }
    const all = new Uint8Array(offset);
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    sources.set(url, new MemorySource(url, all));
    refs.arrays.set(path, table);
  }
  return { refs, sources };
}

/** A full-size chunk (edge chunks padded with zeros, as Zarr stores them). */
function encodeChunk(spec: ArraySpec, chunks: number[], coords: number[]): Uint8Array {
  const n = chunks.reduce((a, b) => a * b, 1);
  const out = typedArrayOf(spec.dtype, n);
  const nd = spec.shape.length;
  const idx = new Array<number>(nd).fill(0);
  for (let k = 0; k < n; k++) {
    let rem = k;
    for (let d = nd - 1; d >= 0; d--) {
      idx[d] = rem % (chunks[d] as number);
      rem = Math.floor(rem / (chunks[d] as number));
    }
    let flat = 0;
    let inside = true;
    for (let d = 0; d < nd; d++) {
      const g = (coords[d] as number) * (chunks[d] as number) + (idx[d] as number);
      if (g >= (spec.shape[d] as number)) inside = false;
      flat = flat * (spec.shape[d] as number) + g;
    }
    if (inside) out[k] = spec.data[flat] as number;
  }
  return new Uint8Array(out.buffer);
}
