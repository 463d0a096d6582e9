import type { Grid } from "../grid/types.js";
import type { Block } from "./mapping.js";

/**
 * Where cells that may have their centre on a block lie: the block's latitude/longitude bounding box, widened by
 * `marginDeg` (degrees of latitude; the caller gives one pixel spacing plus two cell edges). Longitudes are
 * unwrapped: west may be below -180 or east above 180, and east - west is at most 360 (all longitudes).
 */
export interface Box {
  south: number;
  north: number;
  west: number;
  east: number;
}

export function blockBox(grid: Grid, block: Block, marginDeg: number): Box {
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

const DEG = Math.PI / 180;

/** True when a point lies in the box (edges included). */
export function insideBox(box: Box, lat: number, lng: number): boolean {
  if (lat < box.south || lat > box.north) return false;
  const width = box.east - box.west;
  return width >= 360 || (((lng - box.west) % 360) + 360) % 360 <= width;
}

/**
 * A lower bound of the great-circle angle (radians) from a point to the box: the larger of its distances to the
 * box's latitude band and to its longitude lune (the box lies in both). The lune's edge is two half meridians;
 * the angle to a half meridian Δλ away is asin(cos φ sin Δλ) up to 90 degrees, past that its nearer pole's.
 */
export function angleToBox(box: Box, lat: number, lng: number): number {
  const band = lat < box.south ? box.south - lat : lat > box.north ? lat - box.north : 0;
  const width = box.east - box.west;
  if (width >= 360) return band * DEG;
  const east = ((((lng - box.west) % 360) + 360) % 360) - width;
  if (east <= 0) return band * DEG;
  const lune = Math.min(toHalfMeridian(lat, east), toHalfMeridian(lat, 360 - width - east));
  return Math.max(band * DEG, lune);
}

/** Angle (radians) from a point to the half meridian `dLng` degrees (0..360, either way round) of longitude away. */
function toHalfMeridian(lat: number, dLng: number): number {
  const d = Math.min(dLng, 360 - dLng);
  return d <= 90 ? Math.asin(Math.cos(lat * DEG) * Math.sin(d * DEG)) : (90 - Math.abs(lat)) * DEG;
}

/**
 * The great-circle angle (radians) from a point in the box to the nearest point outside it: to the nearer of its
 * edges (parallels and half meridians), an edge at a pole or a full circle of longitude being none. 0 outside.
 */
export function angleInsideBox(box: Box, lat: number, lng: number): number {
  if (!insideBox(box, lat, lng)) return 0;
  let angle = Number.POSITIVE_INFINITY;
  if (box.south > -90) angle = (lat - box.south) * DEG;
  if (box.north < 90) angle = Math.min(angle, (box.north - lat) * DEG);
  const width = box.east - box.west;
  if (width < 360) {
    const east = (((lng - box.west) % 360) + 360) % 360;
    angle = Math.min(angle, toHalfMeridian(lat, east), toHalfMeridian(lat, width - east));
  }
  return angle;
}
