/**
 * A reader over a reference set for uncompressed little-endian chunks: it fetches each chunk's byte range from
 * the sources and copies the requested region out. Used until compute's tests switch to refs/store's readArray.
 */
import type { ArrayReader, NumericArray } from "../../../compute/source.js";
import type { ReferenceSet } from "../../../refs/model/reference-set.js";
import type { MemorySource } from "../../../refs/storage/memory.js";
import { type Dtype, typedArrayOf } from "./dataset.js";

export function chunkReader(refs: ReferenceSet, sources: Map<string, MemorySource>): ArrayReader {
  return async (path, region) => {
    const meta = refs.metadata.get(`${path}/.zarray`);
    const table = refs.arrays.get(path);
    if (!meta || !table) throw new Error(`no array ${path}`);
    const shape = meta.shape as number[];
    const chunks = meta.chunks as number[];
    const dtype = meta.dtype as Dtype;
    const nd = shape.length;
    const outShape = region.start.map((s, d) => (region.stop[d] as number) - s);
    const out = typedArrayOf(
      dtype,
      outShape.reduce((a, b) => a * b, 1),
    ) as NumericArray;
    const lo = region.start.map((s, d) => Math.floor(s / (chunks[d] as number)));
    const hi = region.stop.map((e, d) => Math.ceil(e / (chunks[d] as number)));
    const c = [...lo];
    for (;;) {
      const ref = table.get(table.flatIndex(c));
      if (ref && ref.kind === "range") {
        const bytes = await (sources.get(ref.url) as MemorySource).fetch(ref.offset, ref.length);
        const chunk = new (out.constructor as new (b: ArrayBuffer) => NumericArray)(bytes.slice().buffer);
        copyOverlap(chunk, c, chunks, out, region.start, outShape, nd);
      }
      let d = nd - 1;
      for (; d >= 0; d--) {
        c[d] = (c[d] as number) + 1;
        if ((c[d] as number) < (hi[d] as number)) break;
        c[d] = lo[d] as number;
      }
      if (d < 0) break;
    }
    return out;
  };
}

function copyOverlap(
  chunk: NumericArray,
  coords: number[],
  chunks: number[],
  out: NumericArray,
  start: number[],
  outShape: number[],
  nd: number,
): void {
  const n = outShape.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(nd).fill(0);
  for (let k = 0; k < n; k++) {
    let rem = k;
    for (let d = nd - 1; d >= 0; d--) {
      idx[d] = rem % (outShape[d] as number);
      rem = Math.floor(rem / (outShape[d] as number));
    }
    let inChunk = 0;
    let inside = true;
    for (let d = 0; d < nd; d++) {
      const g = (start[d] as number) + (idx[d] as number);
      const local = g - (coords[d] as number) * (chunks[d] as number);
      if (local < 0 || local >= (chunks[d] as number)) inside = false;
      inChunk = inChunk * (chunks[d] as number) + local;
    }
    if (inside) (out as Float64Array)[k] = (chunk as Float64Array)[inChunk] as number;
  }
}
