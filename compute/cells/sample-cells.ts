/**
 * Sampling (cells smaller than pixels): the cells whose centre lies on a block, found by walking the H3 hierarchy
 * down from the base cells instead of filling a polygon. At each resolution a cell is kept only while its centre
 * is near enough to the block's box for one of its descendants to lie in it; at the target resolution each cell
 * takes the pixel under its centre. Children come out ascending (children.ts), so the result is sorted and has
 * no duplicates without a sort.
 */
import { getHexagonEdgeLengthAvg, UNITS } from "h3-js";
import type { Grid } from "../grid/types.js";
import { angleInsideBox, angleToBox, type Box, insideBox } from "./candidates.js";
import { type CellLevel, childrenOf, keyCentre, resolution0 } from "./children.js";
import type { Block } from "./mapping.js";

const EARTH_KM = 6371.0088;

/**
 * Largest angle (radians) between a cell's centre and any descendant's centre, with room to spare: measured over
 * the globe, descendants lie within 1.13 average edge lengths of their ancestor's centre; two are allowed.
 */
export function descendantReach(res: number): number {
  return (2 * getHexagonEdgeLengthAvg(res, UNITS.km)) / EARTH_KM;
}

/**
 * Cells of `level` some descendant of which may have its centre in the box. A cell deeper inside the box than
 * its descendants reach has all of them inside: it is marked in `inherited`, so its descendants are kept without
 * placing their centres (on a block covering the globe, nothing is placed before the last resolution).
 */
function nearBox(level: CellLevel, box: Box): Uint8Array {
  const reach = descendantReach(level.res);
  const keep = new Uint8Array(level.keys.length);
  for (let i = 0; i < level.keys.length; i++) {
    if (level.inherited[i]) {
      keep[i] = 1;
      continue;
    }
    const [lat, lng] = keyCentre(level.keys[i] as number, level.res);
    keep[i] = angleToBox(box, lat, lng) <= reach ? 1 : 0;
    if (angleInsideBox(box, lat, lng) > reach) level.inherited[i] = 1;
  }
  return keep;
}

/**
 * Cells near the box, refined from resolution 0 until there are at least `count` of them or resolution `res` is
 * reached: the seeds that sampleCells refines further, in pieces (contiguous, so results stay ascending).
 */
export function seedCells(box: Box, res: number, count: number): CellLevel {
  let level = resolution0();
  for (;;) {
    const keep = nearBox(level, box);
    if (level.res === res || level.keys.length >= count) return selected(level, keep);
    level = childrenOf(level, keep);
  }
}

function selected(level: CellLevel, keep: Uint8Array): CellLevel {
  let n = 0;
  for (const k of keep) n += k;
  const keys = new Float64Array(n);
  const pentagon = new Uint8Array(n);
  const inherited = new Uint8Array(n);
  for (let i = 0, j = 0; i < keep.length; i++) {
    if (!keep[i]) continue;
    keys[j] = level.keys[i] as number;
    inherited[j] = level.inherited[i] as number;
    pentagon[j++] = level.pentagon[i] as number;
  }
  return { res: level.res, keys, pentagon, inherited };
}

/** `parts` contiguous pieces of a level, of near-equal size. */
export function splitLevel(level: CellLevel, parts: number): CellLevel[] {
  const n = level.keys.length;
  const pieces = Math.max(1, Math.min(parts, n));
  return Array.from({ length: pieces }, (_, i) => {
    const a = Math.round((n * i) / pieces);
    const b = Math.round((n * (i + 1)) / pieces);
    // Copies, not views: a view posted to a worker would carry its whole buffer.
    return {
      res: level.res,
      keys: level.keys.slice(a, b),
      pentagon: level.pentagon.slice(a, b),
      inherited: level.inherited.slice(a, b),
    };
  });
}

/**
 * Descendants at `res` of the seeds (already near the box) whose centre lies in the box and on the block, each
 * with the block-buffer position ((y - y0) * width + x - x0) of the pixel under its centre; keys ascending.
 */
export function sampleCells(
  grid: Grid,
  block: Block,
  res: number,
  seeds: CellLevel,
  box: Box,
): { keys: Float64Array; positions: Uint32Array } {
  let level = seeds;
  while (level.res < res) {
    const keep = level === seeds ? undefined : nearBox(level, box);
    level = childrenOf(level, keep);
  }
  const width = block.x1 - block.x0;
  const keys = new Float64Array(level.keys.length);
  const positions = new Uint32Array(level.keys.length);
  let n = 0;
  for (let i = 0; i < level.keys.length; i++) {
    const key = level.keys[i] as number;
    const [lat, lng] = keyCentre(key, res);
    if (!insideBox(box, lat, lng)) continue;
    const p = grid.pixelCoords(lat, lng, false);
    if (!p) continue;
    const y = Math.round(p[0]);
    let x = Math.round(p[1]);
    if (grid.periodicX) x = ((x % grid.nx) + grid.nx) % grid.nx;
    if (y < block.y0 || y >= block.y1 || x < block.x0 || x >= block.x1) continue;
    keys[n] = key;
    positions[n++] = (y - block.y0) * width + (x - block.x0);
  }
  return { keys: keys.slice(0, n), positions: positions.slice(0, n) };
}
