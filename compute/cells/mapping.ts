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
import { cellToLatLng } from "h3-js";
import type { Grid } from "../grid/types.js";
import { bigIntToCell } from "./h3.js";
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

/** The pixel (row, column) nearest a cell's centre, clamped into the grid; wrapped on a global grid. */
export function ownerPixel(grid: Grid, cell: bigint): [number, number] {
  const [lat, lng] = cellToLatLng(bigIntToCell(cell));
  const [fy, fx] = grid.pixelCoords(lat, lng, true) as [number, number];
  const y = Math.min(Math.max(Math.round(fy), 0), grid.ny - 1);
  let x = Math.round(fx);
  x = grid.periodicX ? ((x % grid.nx) + grid.nx) % grid.nx : Math.min(Math.max(x, 0), grid.nx - 1);
  return [y, x];
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
  if (a < 0)
    return [
      [grid.nx + a, grid.nx],
      [0, b],
    ];
  if (b > grid.nx)
    return [
      [a, grid.nx],
      [0, b - grid.nx],
    ];
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
  const bufferCells = new BigUint64Array(height * width);
  let colOffset = 0;
  for (const [a, b] of columns) {
    const part = await pixelCells.cells(rows[0], rows[1], a, b, res);
    const w = b - a;
    for (let r = 0; r < height; r++)
      bufferCells.set(part.subarray(r * w, (r + 1) * w), r * width + colOffset);
    colOffset += w;
  }
  // Decide ownership once per distinct cell, then keep the pixels of owned cells.
  const owned = new Map<bigint, boolean>();
  const keep: number[] = [];
  for (let i = 0; i < bufferCells.length; i++) {
    const c = bufferCells[i] as bigint;
    if (c === 0n) continue;
    let mine = owned.get(c);
    if (mine === undefined) {
      const [y, x] = ownerPixel(grid, c);
      mine = inBlock(block, y, x);
      owned.set(c, mine);
    }
    if (mine) keep.push(i);
  }
  return groupByCell(
    rows,
    columns,
    keep,
    (i) => bufferCells[i] as bigint,
    (i) => i,
  );
}

/** CSR grouping of buffer positions by cell, cells ascending, pixels in buffer order within a cell. */
function groupByCell(
  rows: [number, number],
  columns: [number, number][],
  items: number[],
  cellOf: (item: number) => bigint,
  pixelOf: (item: number) => number,
): CellMapping {
  const keys = new BigUint64Array(items.length);
  for (let k = 0; k < items.length; k++) keys[k] = cellOf(items[k] as number);
  const order = Array.from(items.keys()).sort((p, q) => {
    const a = keys[p] as bigint;
    const b = keys[q] as bigint;
    return a < b ? -1 : a > b ? 1 : p - q;
  });
  const cells: bigint[] = [];
  const offsets: number[] = [];
  const pixels = new Uint32Array(items.length);
  order.forEach((k, j) => {
    const c = keys[k] as bigint;
    if (cells.length === 0 || cells[cells.length - 1] !== c) {
      cells.push(c);
      offsets.push(j);
    }
    pixels[j] = pixelOf(items[k] as number);
  });
  offsets.push(items.length);
  return { rows, columns, cells: BigUint64Array.from(cells), offsets: Uint32Array.from(offsets), pixels };
}

/** Sample mapping: `candidates` are cells near the block (a superset of those whose centre lies on it). */
export function sampleMapping(grid: Grid, block: Block, candidates: Iterable<string>): CellMapping {
  const width = block.x1 - block.x0;
  const items: number[] = [];
  const values: bigint[] = [];
  const seen = new Set<string>();
  for (const cell of candidates) {
    if (seen.has(cell)) continue;
    seen.add(cell);
    const [lat, lng] = cellToLatLng(cell);
    const p = grid.pixelCoords(lat, lng, false);
    if (!p) continue;
    const y = Math.round(p[0]);
    let x = Math.round(p[1]);
    if (grid.periodicX) x = ((x % grid.nx) + grid.nx) % grid.nx;
    if (y < 0 || y >= grid.ny || x < 0 || x >= grid.nx || !inBlock(block, y, x)) continue;
    items.push((y - block.y0) * width + (x - block.x0));
    values.push(BigInt(`0x${cell}`));
  }
  const index = Array.from(items.keys());
  return groupByCell(
    [block.y0, block.y1],
    [[block.x0, block.x1]],
    index,
    (k) => values[k] as bigint,
    (k) => items[k] as number,
  );
}
