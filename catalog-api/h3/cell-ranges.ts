import { getResolution, isValidCell } from "h3-js";
import { CatalogInputError } from "../errors.js";

/**
 * H3 cells as integers, so that the hierarchy becomes integer ranges. An H3 index keeps its resolution in bits
 * 52-55 and one 3-bit digit per resolution below that; unused digits are 7. Rewriting a cell's resolution field to
 * 15 (keeping the 7s) gives the largest res-15 value among its descendants; zeroing its unused digits gives the
 * smallest. Every res-15 descendant lies in [lo, hi] and no other valid res-15 cell does, so "inside" is a range
 * test and two cells are related (one contains the other) exactly when their ranges overlap.
 */
export const INDEX_RESOLUTION = 15;

const RES_SHIFT = 52n;
const RES_MASK = 0xfn << RES_SHIFT;

export interface CellRange {
  /** The cell itself, as a signed-safe 64-bit integer (H3's reserved top bit is always 0). */
  cell: bigint;
  resolution: number;
  lo: bigint;
  hi: bigint;
}

/** Parse a hexadecimal H3 cell (as h3-js writes it), rejecting anything that is not a valid cell. */
export function parseCell(text: string, parameter = "h3"): bigint {
  const hex = text.trim().toLowerCase();
  if (!/^[0-9a-f]{15,16}$/.test(hex) || !isValidCell(hex)) {
    throw new CatalogInputError(`"${text}" is not a valid H3 cell index`, parameter);
  }
  return BigInt(`0x${hex}`);
}

export function cellRange(cell: bigint): CellRange {
  const resolution = Number((cell & RES_MASK) >> RES_SHIFT);
  const hi = (cell & ~RES_MASK) | (BigInt(INDEX_RESOLUTION) << RES_SHIFT);
  const freeBits = BigInt(3 * (INDEX_RESOLUTION - resolution));
  const lo = (hi >> freeBits) << freeBits;
  return { cell, resolution, lo, hi };
}

/** The cell's ancestors at resolutions 0..r-1, as integers (the cells that contain it). */
export function ancestorCells(cell: bigint): bigint[] {
  const resolution = Number((cell & RES_MASK) >> RES_SHIFT);
  const out: bigint[] = [];
  for (let r = 0; r < resolution; r++) {
    const freeBits = BigInt(3 * (INDEX_RESOLUTION - r));
    const digitsSet = (1n << freeBits) - 1n; // every digit below r becomes 7
    out.push((cell & ~RES_MASK) | (BigInt(r) << RES_SHIFT) | digitsSet);
  }
  return out;
}

export function cellToHex(cell: bigint): string {
  return cell.toString(16).padStart(15, "0");
}

export function cellResolution(hex: string): number {
  return getResolution(hex);
}
