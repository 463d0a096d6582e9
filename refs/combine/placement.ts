/**
 * Where each input goes in the combined arrays: per concat dimension, the sorted union of every file's values is
 * the combined coordinate, and a file starts at the position of its first value. A file's values must be a
 * contiguous run of that union, and along each dimension files' runs are identical or disjoint (a grid of files,
 * as kerchunk's MultiZarrToZarr assumes); anything else is an error naming the files.
 */
import type { DimCoordinates, Values } from "./coordinates.js";
import { CoordinateError } from "./errors.js";
import type { CombineInput } from "./options.js";

export interface Placement {
  /** Combined coordinate per concat dimension. */
  coordinates: Values[];
  /** Per input (input order) and concat dimension: first position and number of steps. */
  starts: number[][];
  lengths: number[][];
  /** Input indexes sorted by position (first concat dimension slowest). */
  order: number[];
}

function direction(dim: DimCoordinates, urls: string[]): 1 | -1 {
  let dir = 0 as number;
  dim.values.forEach((values, i) => {
    for (let k = 1; k < values.length; k++) {
      const a = values[k - 1] as number | string;
      const b = values[k] as number | string;
      const step = a < b ? 1 : a > b ? -1 : 0;
      if (step === 0 || (dir !== 0 && step !== dir)) {
        const detail = `values are not strictly increasing or decreasing (${a}, ${b})`;
        throw new CoordinateError(dim.dim, [urls[i] as string], detail);
      }
      dir = step;
    }
  });
  return dir === -1 ? -1 : 1;
}

function union(dim: DimCoordinates, dir: 1 | -1, urls: string[]): Values {
  const strings = typeof dim.values.find((v) => v.length > 0)?.[0] === "string";
  const all = new Set<number | string>();
  dim.values.forEach((values, i) => {
    const url = urls[i] as string;
    for (const v of values) {
      if ((typeof v === "string") !== strings) {
        throw new CoordinateError(dim.dim, [url], "mixes text and number values with other files");
      }
      if (typeof v === "number" && Number.isNaN(v)) {
        throw new CoordinateError(dim.dim, [url], "a coordinate value is NaN");
      }
      all.add(v);
    }
  });
  return [...all].sort((a, b) => (a < b ? -dir : a > b ? dir : 0)) as Values;
}

export function place(inputs: readonly CombineInput[], dims: readonly DimCoordinates[]): Placement {
  const urls = inputs.map((i) => i.url);
  const coordinates: Values[] = [];
  const starts: number[][] = inputs.map(() => []);
  const lengths: number[][] = inputs.map(() => []);
  for (const dim of dims) {
    const values = union(dim, direction(dim, urls), urls);
    coordinates.push(values);
    const position = new Map<number | string, number>();
    values.forEach((v, i) => {
      position.set(v, i);
    });
    const runs = new Map<number, { end: number; url: string }>();
    dim.values.forEach((own, i) => {
      const url = urls[i] as string;
      const start = own.length > 0 ? (position.get(own[0] as number | string) as number) : 0;
      own.forEach((v, k) => {
        if (values[start + k] !== v) {
          const detail = `values are not a contiguous run of the combined coordinate: ${v} at step ${k} is interleaved with other files' values`;
          throw new CoordinateError(dim.dim, [url], detail);
        }
      });
      const end = start + own.length;
      (starts[i] as number[]).push(start);
      (lengths[i] as number[]).push(own.length);
      if (own.length === 0) return;
      const run = runs.get(start);
      if (run && run.end !== end) {
        const detail = `files start at the same value but hold ${run.end - start} and ${end - start} steps`;
        throw new CoordinateError(dim.dim, [run.url, url], detail);
      }
      if (!run) runs.set(start, { end, url });
    });
    const sortedRuns = [...runs].sort((a, b) => a[0] - b[0]);
    for (let r = 1; r < sortedRuns.length; r++) {
      const [start, { url }] = sortedRuns[r] as [number, { end: number; url: string }];
      const [, prev] = sortedRuns[r - 1] as [number, { end: number; url: string }];
      if (start < prev.end)
        throw new CoordinateError(dim.dim, [prev.url, url], "the files' coordinate values overlap");
    }
  }
  const order = inputs.map((_, i) => i);
  const compare = (a: number, b: number) => {
    for (let d = 0; d < dims.length; d++) {
      const diff = (starts[a]?.[d] as number) - (starts[b]?.[d] as number);
      if (diff !== 0) return diff;
    }
    return 0;
  };
  order.sort(compare);
  for (let k = 1; k < order.length; k++) {
    const a = order[k - 1] as number;
    const b = order[k] as number;
    if (compare(a, b) === 0) {
      const at = dims.map((d, j) => `${d.dim}=${coordinates[j]?.[starts[a]?.[j] as number]}`).join(", ");
      const names = dims.map((d) => d.dim).join(",");
      throw new CoordinateError(names, [urls[a] as string, urls[b] as string], `both files are at ${at}`);
    }
  }
  return { coordinates, starts, lengths, order };
}
