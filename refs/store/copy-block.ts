import type { ArrayData } from "./dtype.js";

/**
 * Copy the overlap of one decoded chunk into the output region. `lanes` values per element (2 for complex).
 * Chunk elements are in C or F order; the output is always C order. The innermost output dimension is copied
 * as one run when the chunk is C-ordered.
 */
export interface BlockCopy {
  chunk: ArrayData;
  chunkShape: readonly number[];
  order: "C" | "F";
  /** Where the overlap starts, in chunk-local coordinates, and its extent per dimension. */
  chunkStart: readonly number[];
  extent: readonly number[];
  out: ArrayData;
  outShape: readonly number[];
  outStart: readonly number[];
  lanes: number;
}

function strides(shape: readonly number[], order: "C" | "F"): number[] {
  const s = new Array<number>(shape.length).fill(1);
  if (order === "C")
    for (let d = shape.length - 2; d >= 0; d--) s[d] = (s[d + 1] as number) * (shape[d + 1] as number);
  else for (let d = 1; d < shape.length; d++) s[d] = (s[d - 1] as number) * (shape[d - 1] as number);
  return s;
}

export function copyBlock(b: BlockCopy): void {
  const rank = b.extent.length;
  const inStride = strides(b.chunkShape, b.order);
  const outStride = strides(b.outShape, "C");
  if (rank === 0) {
    for (let l = 0; l < b.lanes; l++) (b.out as unknown[])[l] = (b.chunk as unknown[])[l];
    return;
  }
  const inner = b.extent[rank - 1] as number;
  const innerIn = inStride[rank - 1] as number;
  const idx = new Array<number>(rank - 1).fill(0);
  const typed = !Array.isArray(b.out);
  for (;;) {
    let src = (b.chunkStart[rank - 1] as number) * innerIn;
    let dst = b.outStart[rank - 1] as number;
    for (let d = 0; d < rank - 1; d++) {
      src += ((b.chunkStart[d] as number) + (idx[d] as number)) * (inStride[d] as number);
      dst += ((b.outStart[d] as number) + (idx[d] as number)) * (outStride[d] as number);
    }
    const lanes = b.lanes;
    if (innerIn === 1 && typed) {
      const from = (b.chunk as Float64Array).subarray(src * lanes, (src + inner) * lanes);
      (b.out as Float64Array).set(from, dst * lanes);
    } else {
      const input = b.chunk as unknown[];
      const output = b.out as unknown[];
      for (let i = 0; i < inner; i++) {
        for (let l = 0; l < lanes; l++)
          output[(dst + i) * lanes + l] = input[(src + i * innerIn) * lanes + l];
      }
    }
    // Advance the multi-index over all dimensions but the innermost.
    let d = rank - 2;
    for (; d >= 0; d--) {
      idx[d] = (idx[d] as number) + 1;
      if ((idx[d] as number) < (b.extent[d] as number)) break;
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

/** Fill every element of `out` with the lane values (used for missing chunks' region, then overwritten). */
export function fillAll(out: ArrayData, values: readonly unknown[]): void {
  const lanes = values.length;
  if (lanes === 1) {
    (out as unknown[]).fill(values[0]);
    return;
  }
  for (let i = 0; i < out.length; i++) (out as unknown[])[i] = values[i % lanes];
}
