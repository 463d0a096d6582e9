/**
 * Arrays the combine computes rather than references (per-file coefficients, re-encoded time bounds): written
 * inline as one zlib-compressed chunk, since their values repeat along the files (a year of hourly steps with one
 * coefficient per day compresses to a few hundred bytes).
 */
import { deflateSync } from "node:zlib";
import { ChunkTable, type JsonObject } from "../model/index.js";
import { chooseDtype, encodeNumbers } from "./coordinate-array.js";
import type { ArrayPart } from "./layout.js";
import type { Placement } from "./placement.js";

export interface InlineArray {
  zarray: JsonObject;
  zattrs: JsonObject;
  table: ChunkTable;
}

/** Elements above which a computed array is refused rather than inlined (32 MiB of float64). */
export const MAX_INLINE_ELEMENTS = 1 << 22;

export function inlineArray(
  values: number[],
  shape: readonly number[],
  dims: readonly string[],
  attrs: JsonObject,
  source?: JsonObject,
  /** The fill_value to write (default: the source's when the dtype is kept, else NaN for floats). */
  fill?: JsonObject["fill_value"],
): InlineArray {
  const dtype = chooseDtype(values, source);
  const raw = encodeNumbers(values, dtype);
  const sameDtype = typeof source?.dtype === "string" && source.dtype.slice(1) === dtype.slice(1);
  const zarray: JsonObject = {
    chunks: shape.map((n) => Math.max(1, n)),
    compressor: { id: "zlib", level: 6 },
    dtype,
    fill_value:
      fill !== undefined
        ? fill
        : sameDtype
          ? (source?.fill_value ?? null)
          : dtype.startsWith("<f")
            ? "NaN"
            : null,
    filters: null,
    order: "C",
    shape: [...shape],
    zarr_format: 2,
  };
  const table = new ChunkTable(shape.map((n) => (n === 0 ? 0 : 1)));
  if (values.length > 0)
    table.set(0, { kind: "inline", data: new Uint8Array(deflateSync(raw, { level: 6 })) });
  return { zarray, zattrs: { _ARRAY_DIMENSIONS: [...dims], ...attrs }, table };
}

/**
 * A part's box in the combined array: along each concat dimension the steps its file was placed at, other
 * dimensions whole.
 */
export function partBox(
  part: ArrayPart,
  dims: readonly string[],
  shape: readonly number[],
  concatDims: readonly string[],
  placement: Placement,
): Array<[number, number]> {
  return dims.map((dim, k): [number, number] => {
    const c = concatDims.indexOf(dim);
    if (c < 0) return [0, shape[k] as number];
    const start = placement.starts[part.input]?.[c] as number;
    return [start, start + (placement.lengths[part.input]?.[c] as number)];
  });
}

/** Calls `visit(flat, local)` for every element of `box` in C order: its flat index in `shape`, and its rank in the box. */
export function forEachInBox(
  box: ReadonlyArray<readonly [number, number]>,
  shape: readonly number[],
  visit: (flat: number, local: number) => void,
): void {
  const rank = box.length;
  if (box.some(([a, b]) => b <= a)) return;
  const index = box.map(([a]) => a);
  let local = 0;
  for (;;) {
    let flat = 0;
    for (let d = 0; d < rank; d++) flat = flat * (shape[d] as number) + (index[d] as number);
    visit(flat, local++);
    let d = rank - 1;
    while (d >= 0) {
      index[d] = (index[d] as number) + 1;
      if ((index[d] as number) < (box[d] as [number, number])[1]) break;
      index[d] = (box[d] as [number, number])[0];
      d--;
    }
    if (d < 0) return;
  }
}
