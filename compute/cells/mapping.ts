/**
 * Grid -> H3 cell mapping of one block of pixels (a work unit's spatial part). Each cell belongs to exactly one
 * block: the block holding the pixel nearest the cell's centre (clamped to the grid). So blocks never emit the
 * same cell twice, and together emit every cell.
 *
 * - aggregate: pixels smaller than cells. Every pixel maps to the cell holding its centre; the block reads a halo
 *   around itself so that all pixels of the cells it owns are at hand.
 * - sample: cells smaller than pixels. Every cell whose centre lies on the block takes the value of the pixel
 *   under its centre, so no cell is left empty.
 */
import { ComputeError } from "../errors.js";
import type { Grid } from "../grid/types.js";
import { keyCentre, keysToIndexes } from "./children.js";
import type { PixelCells } from "./pixel-cells.js";

export interface Block {
  y0: number;
  y1: number;
  x0: number;
  x1: number;
}

export interface CellMapping {
  /** Rows [start, stop) of the grid read for the block. */
  rows: [number, number];
  /** Column intervals [start, stop) read, in buffer order (two when a halo wraps around a global grid). */
  columns: [number, number][];
  /** Cells owned by the block, ascending as unsigned 64-bit values. */
  cells: BigUint64Array;
  /** Pixels of cell i are pixels[offsets[i]..offsets[i+1]). */
  offsets: Uint32Array;
  /** Indexes into the block's read buffer: (y - rows[0]) * width + position of x in the column intervals. */
  pixels: Uint32Array;
}

export type MappingMethod = "aggregate" | "sample";

/** The pixel (row, column) nearest a point, clamped into the grid; wrapped on a global grid. */
function nearestPixel(grid: Grid, lat: number, lng: number): [number, number] {
  const [fy, fx] = grid.pixelCoords(lat, lng, true) as [number, number];
  const y = Math.min(Math.max(Math.round(fy), 0), grid.ny - 1);
  let x = Math.round(fx);
  x = grid.periodicX ? ((x % grid.nx) + grid.nx) % grid.nx : Math.min(Math.max(x, 0), grid.nx - 1);
  return [y, x];
}

/** The pixel that decides which block owns a cell (given by key, see h3.ts): the one nearest its centre. */
export function ownerPixel(grid: Grid, key: number, res: number): [number, number] {
  const [lat, lng] = keyCentre(key, res);
  return nearestPixel(grid, lat, lng);
}

function inBlock(block: Block, y: number, x: number): boolean {
  return y >= block.y0 && y < block.y1 && x >= block.x0 && x < block.x1;
}

/** Column intervals covering block columns plus `halo` on each side, wrapping on a periodic grid. */
export function haloColumns(grid: Grid, block: Block, halo: number): [number, number][] {
  const a = block.x0 - halo;
  const b = block.x1 + halo;
  if (!grid.periodicX) return [[Math.max(0, a), Math.min(grid.nx, b)]];
  if (b - a >= grid.nx) return [[0, grid.nx]];
  if (a < 0) {
    return [
      [grid.nx + a, grid.nx],
      [0, b],
    ];
  }
  if (b > grid.nx) {
    return [
      [a, grid.nx],
      [0, b - grid.nx],
    ];
  }
  return [[a, b]];
}

export async function aggregateMapping(
  grid: Grid,
  block: Block,
  res: number,
  halo: { y: number; x: number },
  pixelCells: PixelCells,
): Promise<CellMapping> {
  const rows: [number, number] = [Math.max(0, block.y0 - halo.y), Math.min(grid.ny, block.y1 + halo.y)];
  const columns = haloColumns(grid, block, halo.x);
  const width = columns.reduce((s, [a, b]) => s + b - a, 0);
  const height = rows[1] - rows[0];
  const keys = new Float64Array(height * width);
  let colOffset = 0;
  for (const [a, b] of columns) {
    const part = await pixelCells.cells(rows[0], rows[1], a, b, res);
    const w = b - a;
    for (let r = 0; r < height; r++) keys.set(part.subarray(r * w, (r + 1) * w), r * width + colOffset);
    colOffset += w;
  }
  // Ownership is decided once per distinct cell.
  const distinct = uniqueSorted(keys);
  const owned = distinct.filter((k) => {
    const [y, x] = ownerPixel(grid, k, res);
    return inBlock(block, y, x);
  });
  return groupByCell(rows, columns, owned, keys, res);
}

/** Distinct non-NaN values, ascending. */
function uniqueSorted(keys: Float64Array): Float64Array {
  const sorted = Float64Array.from(keys).sort();
  let n = 0;
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i] as number;
    if (Number.isNaN(v)) break;
    if (n === 0 || sorted[n - 1] !== v) sorted[n++] = v;
  }
  return sorted.slice(0, n);
}

/** Index of `key` in an ascending array, or -1 (NaN is never found). */
function rankOf(sorted: Float64Array, key: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid] as number;
    if (v < key) lo = mid + 1;
    else if (v > key) hi = mid - 1;
    else return mid;
  }
  return -1;
}

/** CSR grouping: for each owned cell (ascending), the buffer positions whose key is that cell, in buffer order. */
function groupByCell(
  rows: [number, number],
  columns: [number, number][],
  owned: Float64Array,
  keyAt: Float64Array,
  res: number,
): CellMapping {
  const offsets = new Uint32Array(owned.length + 1);
  const which = new Int32Array(keyAt.length);
  for (let i = 0; i < keyAt.length; i++) {
    const r = rankOf(owned, keyAt[i] as number);
    which[i] = r;
    if (r >= 0) offsets[r + 1] = (offsets[r + 1] as number) + 1;
  }
  for (let g = 0; g < owned.length; g++) offsets[g + 1] = (offsets[g + 1] as number) + (offsets[g] as number);
  const fill = offsets.slice(0, owned.length);
  const pixels = new Uint32Array(offsets[owned.length] as number);
  for (let i = 0; i < keyAt.length; i++) {
    const r = which[i] as number;
    if (r < 0) continue;
    pixels[fill[r] as number] = i;
    fill[r] = (fill[r] as number) + 1;
  }
  return { rows, columns, cells: keysToIndexes(owned, res), offsets, pixels };
}

/**
 * Sample mapping from pieces found by sampleCells over contiguous seed ranges, in seed order: their keys ascend
 * across pieces and never repeat, so each cell gets its one pixel without a sort.
 */
export function sampleMapping(
  block: Block,
  res: number,
  parts: { keys: Float64Array; positions: Uint32Array }[],
): CellMapping {
  const total = parts.reduce((n, p) => n + p.keys.length, 0);
  const keys = new Float64Array(total);
  const pixels = new Uint32Array(total);
  let at = 0;
  for (const part of parts) {
    keys.set(part.keys, at);
    pixels.set(part.positions, at);
    at += part.keys.length;
  }
  for (let i = 1; i < total; i++) {
    if (!((keys[i] as number) > (keys[i - 1] as number)))
      throw new ComputeError(
        `sample mapping of block ${JSON.stringify(block)}: cell keys out of order at ${i}`,
      );
  }
  const offsets = new Uint32Array(total + 1);
  for (let i = 0; i <= total; i++) offsets[i] = i;
  return {
    rows: [block.y0, block.y1],
    columns: [[block.x0, block.x1]],
    cells: keysToIndexes(keys, res),
    offsets,
    pixels,
  };
}
