import type { Grid } from "../grid/types.js";
import type { Block } from "./mapping.js";

/**
 * Where cells that may have their centre on a block lie: the block's latitude/longitude bounding box, widened by
 * one pixel spacing plus two cell edges (`marginDeg`, as degrees of latitude), cut into rings under 90 degrees of
 * longitude (H3 polygons must not span the antimeridian ambiguously) and into `strips` latitude bands that
 * overlap a little, so work can be spread over threads; a cell found twice is de-duplicated by the caller.
 */
export function candidateRings(grid: Grid, block: Block, marginDeg: number, strips = 1): number[][][] {
  const box = blockBox(grid, block, marginDeg);
  const rings: number[][][] = [];
  const height = (box.north - box.south) / strips;
  const overlap = Math.min(marginDeg, height) / 4;
  for (let k = 0; k < strips; k++) {
    const south = Math.max(-90, box.south + k * height - (k > 0 ? overlap : 0));
    const north = Math.min(90, box.south + (k + 1) * height + (k < strips - 1 ? overlap : 0));
    for (const [west, east] of lngPieces(box.west, box.east)) {
      rings.push([
        [south, west],
        [south, east],
        [north, east],
        [north, west],
        [south, west],
      ]);
    }
  }
  return rings;
}

interface Box {
  south: number;
  north: number;
  west: number;
  east: number;
}

function blockBox(grid: Grid, block: Block, marginDeg: number): Box {
  const ys = [block.y0, block.y1 - 1];
  const xs = [block.x0, block.x1 - 1];
  const lats: number[] = [];
  const lngs: number[] = [];
  const add = (y0: number, y1: number, x0: number, x1: number) => {
    const { lat, lng } = grid.centres(y0, y1, x0, x1);
    for (let i = 0; i < lat.length; i++) {
      if (Number.isFinite(lat[i]) && Number.isFinite(lng[i])) {
        lats.push(lat[i] as number);
        lngs.push(lng[i] as number);
      }
    }
  };
  // The perimeter of the block bounds it on every grid that is not folded over itself.
  for (const y of ys) add(y, y + 1, block.x0, block.x1);
  for (const x of xs) add(block.y0, block.y1, x, x + 1);
  let south = Math.max(-90, Math.min(...lats) - marginDeg);
  let north = Math.min(90, Math.max(...lats) + marginDeg);
  // Unwrap longitudes around the first one so a block across the antimeridian has a narrow range.
  const ref = lngs[0] ?? 0;
  const unwrapped = lngs.map((l) => ref + ((((l - ref + 180) % 360) + 360) % 360) - 180);
  // A degree of longitude shrinks with latitude: widen the longitude margin to the same distance.
  const poleward = Math.min(89.999, Math.max(Math.abs(south), Math.abs(north)));
  const lngMargin = marginDeg / Math.cos((poleward * Math.PI) / 180);
  let west = Math.min(...unwrapped) - lngMargin;
  let east = Math.max(...unwrapped) + lngMargin;
  // A pole on the block (polar projections) makes every longitude part of it.
  for (const pole of [90, -90]) {
    const p = grid.pixelCoords(pole, 0, false);
    if (p && inside(block, p)) {
      if (pole > 0) north = 90;
      else south = -90;
      west = -180;
      east = 180;
    }
  }
  if (east - west >= 360 || north >= 90 - marginDeg || south <= -90 + marginDeg) {
    // Near a pole longitudes converge: take all of them rather than risk a missing sliver.
    if (north >= 90 - marginDeg) north = 90;
    if (south <= -90 + marginDeg) south = -90;
    if (east - west >= 360 || north === 90 || south === -90) {
      west = -180;
      east = 180;
    }
  }
  return { south, north, west, east };
}

function inside(block: Block, [fy, fx]: [number, number]): boolean {
  const y = Math.round(fy);
  const x = Math.round(fx);
  return y >= block.y0 && y < block.y1 && x >= block.x0 && x < block.x1;
}

/** [west, east] (east - west < 360) cut into pieces within [-180, 180], each at most 90 degrees wide. */
export function lngPieces(west: number, east: number): [number, number][] {
  const pieces: [number, number][] = [];
  let a = west;
  while (a < east) {
    const b = Math.min(east, a + 90);
    const shift = Math.floor((a + 180) / 360) * 360;
    const lo = a - shift;
    const hi = b - shift;
    if (hi > 180) {
      pieces.push([lo, 180], [-180, hi - 360]);
    } else {
      pieces.push([lo, hi]);
    }
    a = b;
  }
  return pieces;
}
