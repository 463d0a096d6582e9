import { cellToParent, getResolution } from "h3-js";
import { cellToHex } from "../h3/cell-ranges.js";

/**
 * H3 hierarchy as bit arithmetic on the uint64 index, at a chosen resolution R (the data's): bits 52-55 hold the
 * resolution and each resolution below it one 3-bit digit, unused digits being 7. The res-R descendants of a cell
 * of resolution r <= R keep its digits 1..r, have any digits r+1..R and 7s after R, so they all lie in [lo, hi]
 * (digits r+1..R all 0, resp. all 7) and no other valid res-R cell does: "descendant of" is a range test on the
 * column. A res-R cell's parent at p < R is the cell with its resolution field set to p and digits p+1..15 set
 * to 7: (cell & keep) | set.
 */
const RES_SHIFT = 52n;
const RES_MASK = 0xfn << RES_SHIFT;
const ALL_BITS = (1n << 64n) - 1n;

function digitBits(fromRes: number): bigint {
  // the digits of resolutions fromRes+1..15, all set
  return (1n << BigInt(3 * (15 - fromRes))) - 1n;
}

export interface UintRange {
  lo: bigint;
  hi: bigint;
}

/** The range of the res-`resolution` descendants of `cell`; a finer cell gives its own res-R ancestor. */
export function descendantRange(cell: bigint, resolution: number): UintRange {
  const r = Number((cell & RES_MASK) >> RES_SHIFT);
  if (r > resolution) {
    const parent = BigInt(`0x${cellToParent(cellToHex(cell), resolution)}`);
    return { lo: parent, hi: parent };
  }
  const hi = (cell & ~RES_MASK) | (BigInt(resolution) << RES_SHIFT);
  const free = digitBits(r) & ~digitBits(resolution); // digits r+1..R
  return { lo: hi & ~free, hi };
}

/** Constants for `(cell & keep) | set`: the parent at `parentRes` of any cell finer than it. */
export function parentMasks(parentRes: number): { keep: bigint; set: bigint } {
  const low = digitBits(parentRes);
  return {
    keep: ALL_BITS & ~RES_MASK & ~low,
    set: (BigInt(parentRes) << RES_SHIFT) | low,
  };
}

export function parentOf(cell: bigint, parentRes: number): bigint {
  const { keep, set } = parentMasks(parentRes);
  return (cell & keep) | set;
}

export function hexToCell(hex: string): bigint {
  return BigInt(`0x${hex}`);
}

export function resolutionOf(cell: bigint): number {
  return getResolution(cellToHex(cell));
}
