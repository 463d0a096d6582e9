import { FormatError } from "../../errors.js";
import type { HdfFile } from "../file.js";
import type { ChunkIndexInfo } from "../messages/layout.js";

/** One stored chunk: its coordinates in the chunk grid, where its bytes are, and which filters were skipped. */
export interface StoredChunk {
  coords: number[];
  address: number;
  size: number;
  filterMask: number;
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

/** Whether chunk coordinates lie in the grid of the current shape (indexes may hold chunks beyond it). */
export function inGrid(coords: readonly number[], grid: readonly number[]): boolean {
  return coords.every((c, d) => c < (grid[d] as number));
}

/**
 * Most chunks one dataset may have (a chunk table holds 20 bytes per chunk): beyond it the metadata is taken as
 * corrupt rather than letting a damaged dimension size exhaust memory.
 */
export const MAX_CHUNKS = 2 ** 26;

/** Throw a FormatError when a chunk count from the file is implausible. */
export function checkChunkCount(ctx: ChunkIndexContext, count: number, what: string): void {
  if (!Number.isSafeInteger(count) || count < 0 || count > MAX_CHUNKS) {
    throw new FormatError(
      ctx.file.url,
      ctx.object,
      `${what} of ${count} chunks is implausible (corrupt metadata?)`,
    );
  }
}
