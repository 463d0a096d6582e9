import { FormatError } from "../../errors.js";
import type { HdfFile } from "../file.js";
import type { ChunkIndexInfo } from "../messages/layout.js";

/**
 * Receives each stored chunk: its C-order index in the grid of the current shape, where its bytes are, and the
 * filters skipped for it. Chunks outside the current shape (after a dataset shrank) are not reported. A callback
 * rather than a list, so a million chunks make no million objects.
 */
export type ChunkSink = (flat: number, address: number, size: number, filterMask: number) => void;

/** C-order strides of a grid. */
export function stridesOf(grid: readonly number[]): number[] {
  const strides = new Array<number>(grid.length).fill(1);
  for (let d = grid.length - 2; d >= 0; d--)
    strides[d] = (strides[d + 1] as number) * (grid[d + 1] as number);
  return strides;
}

/**
 * Maps linear indexes over the grid of the maximum shape (how fixed arrays and implicit indexes count) to flat
 * indexes in the grid of the current shape, or -1 outside it.
 */
export function maxGridMapper(ctx: ChunkIndexContext): (linear: number) => number {
  const maxGrid = gridOf(
    ctx.maxShape.map((m, d) => (m < 0 ? (ctx.shape[d] as number) : m)),
    ctx.chunk,
  );
  const grid = gridOf(ctx.shape, ctx.chunk);
  if (maxGrid.every((n, d) => n === grid[d])) return (linear) => linear;
  const strides = stridesOf(grid);
  return (linear) => {
    let flat = 0;
    let rest = linear;
    for (let d = maxGrid.length - 1; d >= 0; d--) {
      const n = maxGrid[d] as number;
      const c = rest % n;
      rest = Math.floor(rest / n);
      if (c >= (grid[d] as number)) return -1;
      flat += c * (strides[d] as number);
    }
    return flat;
  };
}

export interface ChunkIndexContext {
  file: HdfFile;
  object: string;
  /** Address from the layout message (index header, or the single chunk). */
  address: number;
  index: ChunkIndexInfo;
  shape: readonly number[];
  maxShape: readonly number[];
  chunk: readonly number[];
  elementSize: number;
  filtered: boolean;
}

/** Bytes of one unfiltered chunk. */
export function chunkBytes(ctx: ChunkIndexContext): number {
  return ctx.chunk.reduce((a, b) => a * b, 1) * ctx.elementSize;
}

/** Size in bytes of a filtered chunk's size field in fixed/extensible array and v2 B-tree records. */
export function chunkSizeLength(ctx: ChunkIndexContext): number {
  const n = chunkBytes(ctx);
  const log2 = n > 0 ? Math.floor(Math.log2(n)) : 0;
  return Math.min(8, 1 + Math.floor((log2 + 8) / 8));
}

/** Number of chunks along each dimension for a shape (unlimited dimensions count as the current size). */
export function gridOf(shape: readonly number[], chunk: readonly number[]): number[] {
  return shape.map((n, d) => Math.ceil(n / (chunk[d] as number)));
}

/** Chunk coordinates of a linear index in a C-order grid. */
export function unflatten(index: number, grid: readonly number[]): number[] {
  const coords = new Array<number>(grid.length);
  for (let d = grid.length - 1; d >= 0; d--) {
    const n = grid[d] as number;
    coords[d] = index % n;
    index = Math.floor(index / n);
  }
  return coords;
}

/**
 * Most chunks one dataset may have (a chunk table holds 20 bytes per chunk): beyond it the metadata is taken as
 * corrupt rather than letting a damaged dimension size exhaust memory.
 */
export const MAX_CHUNKS = 2 ** 26;

/** Throw a FormatError when a chunk count from the file is implausible. */
export function checkChunkCount(ctx: ChunkIndexContext, count: number, what: string, at: number): void {
  if (!Number.isSafeInteger(count) || count < 0 || count > MAX_CHUNKS) {
    throw new FormatError(
      ctx.file.url,
      ctx.object,
      `${what} of ${count} chunks is implausible (corrupt metadata?)`,
      at,
    );
  }
}
