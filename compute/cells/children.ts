/**
 * The H3 hierarchy on 52-bit cell keys (see h3.ts) without strings: a cell's children are its key with the next
 * digit set to 0..6 (unused digits are 7), so children come out ascending and the descendants of distinct cells
 * of one resolution are disjoint, ascending ranges. A pentagon (pentagon base cell, every digit 0) has no child
 * with digit 1; every other cell has all seven.
 */
import { cellToLatLng, getBaseCellNumber, getPentagons } from "h3-js";

const TWO_32 = 2 ** 32;

/** Base cell numbers of the 12 pentagons. */
const PENTAGON_BASES = new Set(getPentagons(0).map((c) => getBaseCellNumber(c)));

/** Key of base cell `b` at resolution 0: every digit 7. */
export function baseCellKey(b: number): number {
  return b * 2 ** 45 + (2 ** 45 - 1);
}

/** The 122 resolution-0 keys, ascending, and which of them are pentagons. */
export function resolution0(): CellLevel {
  const keys = Float64Array.from({ length: 122 }, (_, b) => baseCellKey(b));
  const pentagon = Uint8Array.from({ length: 122 }, (_, b) => (PENTAGON_BASES.has(b) ? 1 : 0));
  return { res: 0, keys, pentagon, inherited: new Uint8Array(122) };
}

/** Cells of one resolution, ascending, with a pentagon flag per cell. */
export interface CellLevel {
  res: number;
  keys: Float64Array;
  pentagon: Uint8Array;
  /** A flag per cell that its children get too (the caller's: e.g. "every descendant is known to qualify"). */
  inherited: Uint8Array;
}

/** Children (resolution + 1) of the cells of `level` where `keep[i]` is set (all when absent), ascending. */
export function childrenOf(level: CellLevel, keep?: Uint8Array): CellLevel {
  const res = level.res + 1;
  if (res > 15) throw new RangeError(`H3 cells of resolution ${level.res} have no children`);
  let n = 0;
  for (let i = 0; i < level.keys.length; i++) {
    if (!keep || keep[i]) n += level.pentagon[i] ? 6 : 7;
  }
  const keys = new Float64Array(n);
  const pentagon = new Uint8Array(n);
  const inherited = new Uint8Array(n);
  // Digit `res` sits 3 * (15 - res) bits up; it is 7 in the parent's key.
  const unit = 2 ** (3 * (15 - res));
  let k = 0;
  for (let i = 0; i < level.keys.length; i++) {
    if (keep && !keep[i]) continue;
    const parent = level.keys[i] as number;
    const isPentagon = level.pentagon[i] === 1;
    const flag = level.inherited[i] as number;
    for (let d = 0; d < 7; d++) {
      if (isPentagon && d === 1) continue;
      keys[k] = parent - (7 - d) * unit;
      pentagon[k] = isPentagon && d === 0 ? 1 : 0;
      inherited[k] = flag;
      k++;
    }
  }
  return { res, keys, pentagon, inherited };
}

/** The [lower, upper] 32-bit halves of a key's full H3 index, the form h3-js accepts without parsing a string. */
export function keyToSplitLong(key: number, res: number): [number, number] {
  const high = Math.floor(key / TWO_32);
  return [key - high * TWO_32, 0x08000000 + res * 0x100000 + high];
}

const split: [number, number] = [0, 0];

/** A cell's centre [lat, lng] from its key: h3-js cellToLatLng on reused halves (no string, no array per call). */
export function keyCentre(key: number, res: number): [number, number] {
  const high = Math.floor(key / TWO_32);
  split[0] = key - high * TWO_32;
  split[1] = 0x08000000 + res * 0x100000 + high;
  return cellToLatLng(split) as [number, number];
}

/** Full 64-bit H3 indexes of keys of one resolution, built from 32-bit halves (no BigInt per cell). */
export function keysToIndexes(keys: Float64Array, res: number): BigUint64Array {
  const halves = new Uint32Array(keys.length * 2);
  const top = 0x08000000 + res * 0x100000;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as number;
    const high = Math.floor(key / TWO_32);
    halves[2 * i] = key - high * TWO_32;
    halves[2 * i + 1] = top + high;
  }
  // BigUint64Array reads the platform's byte order; halves were written low word first (little-endian).
  if (!LITTLE_ENDIAN) return BigUint64Array.from(keys, (k) => (1n << 59n) | (BigInt(res) << 52n) | BigInt(k));
  return new BigUint64Array(halves.buffer);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
