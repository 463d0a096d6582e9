/**
 * One concatenated array: check that every file's part fits the same layout (dimensions, chunks, dtype, codecs,
 * fill value, order, sizes of other dimensions), work out the combined .zarray and check chunk alignment.
 */
import type { ChunkTable, JsonObject, JsonValue } from "../model/index.js";
import { arrayDims, shapeOf, zarrayOf, zattrsOf } from "./array-dims.js";
import { ArrayMismatchError, ChunkAlignmentError, type FileValue } from "./errors.js";
import type { CombineInput } from "./options.js";
import type { Placement } from "./placement.js";

/** One file's part of a concatenated array. */
export interface ArrayPart {
  input: number;
  url: string;
  table: ChunkTable;
  zarray: JsonObject;
  dims: string[];
}

export interface ArrayLayout {
  dims: string[];
  shape: number[];
  chunks: number[];
  zarray: JsonObject;
  zattrs: JsonObject;
  /** Per part, the chunk offsets along each output dimension it is copied to (several when repeated). */
  shifts: number[][][];
}

/** Codec settings that do not change decoding (compression levels) are left out of comparisons. */
function canonical(value: JsonValue | undefined): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value)
      .filter((k) => k !== "level" && k !== "clevel")
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

function requireSame(
  path: string,
  field: string,
  parts: ArrayPart[],
  get: (p: ArrayPart, index: number) => string,
): void {
  const values = parts.map((p, j) => get(p, j));
  const differing = parts.map((_, j) => j).filter((j) => values[j] !== values[0]);
  if (differing.length === 0) return;
  const files: FileValue[] = [0, ...differing].map((j) => ({
    url: (parts[j] as ArrayPart).url,
    value: values[j] as string,
  }));
  throw new ArrayMismatchError(path, field, files);
}

export function arrayParts(
  path: string,
  inputs: readonly CombineInput[],
  order: readonly number[],
  concatDims: readonly string[],
): ArrayPart[] {
  const parts: ArrayPart[] = [];
  for (const i of order) {
    const input = inputs[i] as CombineInput;
    const table = input.refs.arrays.get(path);
    const zarray = zarrayOf(input.refs, path);
    if (!table || !zarray) continue;
    const own = arrayDims(input.refs, path);
    const dims = [...concatDims.filter((d) => !own.includes(d)), ...own];
    parts.push({ input: i, url: input.url, table, zarray, dims });
  }
  return parts;
}

/** Shape and chunks of a part over the output dimensions: a dimension the array lacks counts one chunk of 1. */
function fullLayout(p: ArrayPart): { lead: number; shape: number[]; chunks: number[] } {
  const own = shapeOf(p.zarray);
  const lead = p.dims.length - own.length;
  const ownChunks = Array.isArray(p.zarray.chunks) ? (p.zarray.chunks as number[]) : [];
  return {
    lead,
    shape: [...new Array<number>(lead).fill(1), ...own],
    chunks: [...new Array<number>(lead).fill(1), ...ownChunks],
  };
}

export function arrayLayout(
  path: string,
  inputs: readonly CombineInput[],
  parts: ArrayPart[],
  concatDims: readonly string[],
  placement: Placement,
): ArrayLayout {
  const first = parts[0] as ArrayPart;
  requireSame(path, "dimensions", parts, (p) => JSON.stringify(p.dims));
  for (const field of ["dtype", "compressor", "filters", "fill_value", "order"]) {
    requireSame(path, field, parts, (p) => canonical(p.zarray[field]));
  }
  const full = parts.map(fullLayout);
  requireSame(path, "chunk shape", parts, (_, j) => JSON.stringify(full[j]?.chunks));
  const chunks = (full[0] as { chunks: number[] }).chunks;
  const shape = first.dims.map((dim, k) => {
    const c = concatDims.indexOf(dim);
    if (c >= 0) return placement.coordinates[c]?.length ?? 0;
    requireSame(path, `size of dimension "${dim}"`, parts, (_, j) => String(full[j]?.shape[k]));
    return full[0]?.shape[k] as number;
  });
  const shifts = parts.map(() => new Array<number>(first.dims.length).fill(0));
  // Dimensions an array lacks but its file has (n steps): the same chunks stand for each of the n steps.
  const repeats = parts.map(() => new Array<number>(first.dims.length).fill(1));
  first.dims.forEach((dim, k) => {
    const c = concatDims.indexOf(dim);
    if (c < 0) return;
    const chunk = chunks[k] as number;
    const total = shape[k] as number;
    const bad: FileValue[] = [];
    parts.forEach((p, j) => {
      const start = placement.starts[p.input]?.[c] as number;
      const steps = placement.lengths[p.input]?.[c] as number;
      (shifts[j] as number[])[k] = start / chunk;
      if (k < (full[j]?.lead as number)) {
        (repeats[j] as number[])[k] = steps;
        return;
      }
      const size = full[j]?.shape[k] as number;
      if (size !== steps) {
        throw new ArrayMismatchError(path, `size along "${dim}" against the file's coordinate`, [
          { url: p.url, value: `${size} (coordinate has ${steps})` },
        ]);
      }
      if (start % chunk !== 0 || (steps % chunk !== 0 && start + steps !== total)) {
        bad.push({ url: p.url, value: `steps ${start}..${start + steps - 1}` });
      }
    });
    if (bad.length > 0) throw new ChunkAlignmentError(path, dim, chunk, bad);
  });
  const zattrsIn = zattrsOf(inputs[first.input]?.refs as CombineInput["refs"], path);
  const sameDims = JSON.stringify(zattrsIn._ARRAY_DIMENSIONS) === JSON.stringify(first.dims);
  const zattrs = sameDims ? zattrsIn : { ...zattrsIn, _ARRAY_DIMENSIONS: first.dims };
  const zarray: JsonObject = { ...first.zarray, chunks, shape };
  return {
    dims: first.dims,
    shape,
    chunks,
    zarray,
    zattrs,
    shifts: shifts.map((s, j) => expand(s, repeats[j] as number[])),
  };
}

/** Every shift a part is copied to: the base shift plus 0..repeat-1 along each repeated dimension. */
function expand(base: number[], repeat: number[]): number[][] {
  let out: number[][] = [base];
  repeat.forEach((n, k) => {
    if (n === 1) return;
    out = out.flatMap((s) => Array.from({ length: n }, (_, r) => s.map((v, d) => (d === k ? v + r : v))));
  });
  return out;
}
