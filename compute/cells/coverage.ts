/**
 * The H3 coverage of a file, small enough for a catalog item: its distinct cells compacted (seven children, six
 * under a pentagon, become their parent), then, while more than `budget` cells remain, the finest cells replaced
 * by their parents. Coarsening only ever grows the area (a parent holds all its children), so an H3 search never
 * misses a file; `exact` says whether it was needed. Works on 52-bit keys (see h3.ts), no strings in the loop.
 */
import { getBaseCellNumber, getPentagons } from "h3-js";
import { keyToHex } from "./h3.js";

const PENTAGON_BASES = new Set(getPentagons(0).map((c) => getBaseCellNumber(c)));
const TWO_45 = 2 ** 45;

export interface Coverage {
  /** Hex cells, mixed resolutions, ascending by resolution then value. */
  cells: string[];
  /** False when cells were coarsened to stay within the budget (the coverage is then a superset). */
  exact: boolean;
}

/** Place value of the digit of resolution `res` in a key. */
function digitUnit(res: number): number {
  return 8 ** (15 - res);
}

/** The parent (resolution res-1) of a resolution-res key: its digit `res` set to 7 (unused). */
function parentKey(key: number, res: number): number {
  const unit = digitUnit(res);
  const digit = Math.floor((key % TWO_45) / unit) % 8;
  return key + (7 - digit) * unit;
}

function isPentagon(key: number, res: number): boolean {
  if (!PENTAGON_BASES.has(Math.floor(key / TWO_45))) return false;
  return res === 0 || Math.floor((key % TWO_45) / digitUnit(res)) === 0;
}

/** Distinct cells of one resolution `res`, ascending (as BigUint64 cell values), compacted within `budget`. */
export function compactCoverage(cells: BigUint64Array, res: number, budget: number): Coverage {
  const levels: number[][] = Array.from({ length: res + 1 }, () => []);
  let current: number[] = [];
  for (let i = 0; i < cells.length; i++) {
    const key = Number((cells[i] as bigint) & 0xfffffffffffffn);
    if (current.length === 0 || current[current.length - 1] !== key) current.push(key);
  }
  for (let r = res; r > 0; r--)
    current = compactLevel(current, r, levels[r] as number[], levels[r - 1] as number[]);
  (levels[0] as number[]).push(...current.filter((k) => !(levels[0] as number[]).includes(k)));
  let exact = true;
  let total = levels.reduce((n, l) => n + l.length, 0);
  for (let r = res; r > 0 && total > budget; r--) {
    const fine = levels[r] as number[];
    if (fine.length === 0) continue;
    exact = false;
    const merged = mergeSorted(levels[r - 1] as number[], dedupe(fine.map((k) => parentKey(k, r))));
    levels[r] = [];
    // the parents may complete grandparents: compact that level again
    const stay: number[] = [];
    const up: number[] = r - 1 > 0 ? compactLevel(merged, r - 1, stay, []) : [];
    levels[r - 1] = r - 1 > 0 ? stay : merged;
    if (r - 1 > 0) levels[r - 2] = mergeSorted(levels[r - 2] as number[], up);
    total = levels.reduce((n, l) => n + l.length, 0);
  }
  const out: string[] = [];
  levels.forEach((keys, r) => {
    for (const k of keys) out.push(keyToHex(k, r));
  });
  return { cells: out, exact };
}

/**
 * One level of compaction: sorted keys of resolution r; complete families go up as sorted parent keys (returned,
 * together with `carry`, cells already at r-1), the rest stay in `stay`.
 */
function compactLevel(keys: number[], r: number, stay: number[], carry: number[]): number[] {
  const parents: number[] = [];
  let i = 0;
  while (i < keys.length) {
    const parent = parentKey(keys[i] as number, r);
    let j = i + 1;
    while (j < keys.length && parentKey(keys[j] as number, r) === parent) j++;
    const family = j - i;
    if (family === 7 || (family === 6 && isPentagon(parent, r - 1))) parents.push(parent);
    else for (let k = i; k < j; k++) stay.push(keys[k] as number);
    i = j;
  }
  return mergeSorted(carry, parents);
}

function dedupe(sorted: number[]): number[] {
  return sorted.filter((k, i) => i === 0 || sorted[i - 1] !== k);
}

function mergeSorted(a: number[], b: number[]): number[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  return dedupe([...a, ...b].sort((x, y) => x - y));
}
