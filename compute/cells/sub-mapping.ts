/**
 * The part of a block's mapping that belongs to one h0 cell: cells are sorted by value, whose top bits after
 * mode and resolution are the base cell, so an h0 cell's cells are one contiguous range. The range keeps only
 * the rows (and, with one column interval, the columns) its pixels use, so a unit reads no more of the block
 * than its cells need.
 */
import type { CellMapping } from "./mapping.js";

/** [start, stop) of the cells of base cell `base` in a mapping's ascending cells. */
export function baseCellRange(cells: BigUint64Array, base: number): [number, number] {
  const baseOf = (i: number) => Number(((cells[i] as bigint) >> 45n) & 0x7fn);
  const first = (target: number) => {
    let lo = 0;
    let hi = cells.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (baseOf(mid) < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return [first(base), first(base + 1)];
}

export function subMapping(m: CellMapping, start: number, stop: number): CellMapping {
  const width = m.columns.reduce((s, [a, b]) => s + b - a, 0);
  const from = m.offsets[start] as number;
  const to = m.offsets[stop] as number;
  let minRow = Number.POSITIVE_INFINITY;
  let maxRow = -1;
  let minX = Number.POSITIVE_INFINITY;
  let maxX = -1;
  for (let p = from; p < to; p++) {
    const at = m.pixels[p] as number;
    const y = Math.floor(at / width);
    const x = at - y * width;
    if (y < minRow) minRow = y;
    if (y > maxRow) maxRow = y;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
  }
  if (maxRow < 0) {
    // cells without pixels (never so in practice): keep one row so the layout stays valid
    minRow = 0;
    maxRow = 0;
    minX = 0;
    maxX = width - 1;
  }
  const oneInterval = m.columns.length === 1;
  const x0 = oneInterval ? minX : 0;
  const newWidth = oneInterval ? maxX - minX + 1 : width;
  const c0 = (m.columns[0] as [number, number])[0];
  const pixels = new Uint32Array(to - from);
  for (let p = from; p < to; p++) {
    const at = m.pixels[p] as number;
    const y = Math.floor(at / width);
    pixels[p - from] = (y - minRow) * newWidth + (at - y * width - x0);
  }
  const offsets = new Uint32Array(stop - start + 1);
  for (let i = 0; i <= stop - start; i++) offsets[i] = (m.offsets[start + i] as number) - from;
  return {
    rows: [m.rows[0] + minRow, m.rows[0] + maxRow + 1],
    columns: oneInterval ? [[c0 + minX, c0 + maxX + 1]] : m.columns,
    cells: m.cells.subarray(start, stop),
    offsets,
    pixels,
  };
}
