/**
 * Where the cells of one resolution-0 cell (base cell) can lie, as latitude/longitude boxes: one box per
 * resolution-2 descendant (49, or 43 under a pentagon), from its vertices. H3 descendants stick out of their
 * ancestor's hexagon by less than a resolution-2 edge summed over finer levels, so boxes widened by one
 * resolution-2 edge (`padded`) hold every descendant's centre; `bounds` (unwidened) is what `refs units` prints
 * and what `--bbox` selects on. Longitudes are unwrapped per box (west may pass -180, east 180).
 */
import {
  cellToBoundary,
  cellToChildren,
  getHexagonEdgeLengthAvg,
  getRes0Cells,
  latLngToCell,
  UNITS,
} from "h3-js";
import type { Box } from "../cells/candidates.js";

export type Bbox = [number, number, number, number];

export interface H0Region {
  base: number;
  hex: string;
  boxes: Box[];
  padded: Box[];
  /** The union of `padded`, to skip most tests at once. */
  outer: Box;
  /** [west, south, east, north] in degrees, west > east across the antimeridian. */
  bounds: Bbox;
}

const PAD_KM = getHexagonEdgeLengthAvg(2, UNITS.km);
let regions: H0Region[] | undefined;

/** The 122 regions, by base cell number. */
export function h0Regions(): H0Region[] {
  regions ??= getRes0Cells()
    .map((hex) => regionOf(hex))
    .sort((a, b) => a.base - b.base);
  return regions;
}

function regionOf(hex: string): H0Region {
  const base = Number((BigInt(`0x${hex}`) >> 45n) & 0x7fn);
  const boxes = cellToChildren(hex, 2).map(childBox);
  const padded = boxes.map((b) => pad(b, PAD_KM));
  return { base, hex, boxes, padded, outer: unionBox(padded), bounds: toBbox(unionBox(boxes)) };
}

function childBox(cell: string): Box {
  const vertices = cellToBoundary(cell, true) as [number, number][];
  const ref = (vertices[0] as [number, number])[0];
  const lngs = vertices.map(([lng]) => ref + ((((lng - ref + 180) % 360) + 360) % 360) - 180);
  const lats = vertices.map(([, lat]) => lat);
  const box = {
    south: Math.min(...lats),
    north: Math.max(...lats),
    west: Math.min(...lngs),
    east: Math.max(...lngs),
  };
  for (const pole of [90, -90]) {
    if (latLngToCell(pole, 0, 2) === cell) {
      if (pole > 0) box.north = 90;
      else box.south = -90;
      box.west = -180;
      box.east = 180;
    }
  }
  return box;
}

function pad(box: Box, km: number): Box {
  const deg = km / 111;
  const south = Math.max(-90, box.south - deg);
  const north = Math.min(90, box.north + deg);
  const poleward = Math.min(89.999, Math.max(Math.abs(south), Math.abs(north)));
  const lngDeg = deg / Math.cos((poleward * Math.PI) / 180);
  const wide = box.east - box.west + 2 * lngDeg >= 360 || north >= 89.9 || south <= -89.9;
  return wide
    ? { south, north, west: -180, east: 180 }
    : { south, north, west: box.west - lngDeg, east: box.east + lngDeg };
}

/** The smallest box holding boxes (longitudes unwrapped around the first box). */
function unionBox(boxes: Box[]): Box {
  const first = boxes[0] as Box;
  const ref = (first.west + first.east) / 2;
  let west = Number.POSITIVE_INFINITY;
  let east = Number.NEGATIVE_INFINITY;
  let south = 90;
  let north = -90;
  for (const b of boxes) {
    south = Math.min(south, b.south);
    north = Math.max(north, b.north);
    if (b.east - b.west >= 360) {
      west = -180;
      east = 180;
      continue;
    }
    const shift = Math.round((ref - (b.west + b.east) / 2) / 360) * 360;
    west = Math.min(west, b.west + shift);
    east = Math.max(east, b.east + shift);
  }
  if (east - west >= 360) return { south, north, west: -180, east: 180 };
  return { south, north, west, east };
}

function toBbox(box: Box): Bbox {
  if (box.east - box.west >= 360) return [-180, box.south, 180, box.north];
  const west = ((((box.west + 180) % 360) + 360) % 360) - 180;
  let east = west + (box.east - box.west);
  if (east > 180) east -= 360;
  return [round(west), round(box.south), round(east), round(box.north)];
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** True when two boxes overlap (edges included), longitudes compared modulo 360. */
export function boxesMeet(a: Box, b: Box): boolean {
  if (a.north < b.south || b.north < a.south) return false;
  if (a.east - a.west >= 360 || b.east - b.west >= 360) return true;
  for (const shift of [-360, 0, 360]) {
    if (a.west + shift <= b.east && b.west <= a.east + shift) return true;
  }
  return false;
}

/** A bbox [w, s, e, n] (west > east across the antimeridian) as a Box. */
export function bboxToBox([w, s, e, n]: Bbox): Box {
  return { south: s, north: n, west: w, east: e >= w ? e : e + 360 };
}

/** True when a block's box may hold centres of cells of this region. */
export function regionMeets(region: H0Region, box: Box): boolean {
  if (!boxesMeet(region.outer, box)) return false;
  return region.padded.some((p) => boxesMeet(p, box));
}
