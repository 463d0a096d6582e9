/**
 * Sizes that decide how a grid meets H3: the pixel spacing (km) of a grid somewhere, whether pixels are smaller
 * than cells (aggregate) or larger (sample), and the halo of pixels a block must read to hold its cells whole.
 */
import { getHexagonAreaAvg, getHexagonEdgeLengthAvg, UNITS } from "h3-js";
import { haversine } from "../grid/curvilinear.js";
import type { Grid } from "../grid/types.js";
import type { Block, MappingMethod } from "./mapping.js";

const EARTH_KM = 6371.0088;

/** Distances (km) from pixel (y, x) to its column and row neighbours. */
export function pixelSpacingKm(grid: Grid, y: number, x: number): { dy: number; dx: number } {
  const xn = x + 1 < grid.nx ? x + 1 : x - 1;
  const yn = y + 1 < grid.ny ? y + 1 : y - 1;
  const here = grid.centres(y, y + 1, x, x + 1);
  const right = grid.centres(y, y + 1, xn, xn + 1);
  const below = grid.centres(yn, yn + 1, x, x + 1);
  const d = (o: { lat: Float64Array; lng: Float64Array }) =>
    haversine(here.lat[0] as number, here.lng[0] as number, o.lat[0] as number, o.lng[0] as number) *
    EARTH_KM;
  return {
    dx: grid.nx > 1 ? d(right) : Number.POSITIVE_INFINITY,
    dy: grid.ny > 1 ? d(below) : Number.POSITIVE_INFINITY,
  };
}

/** Pixels smaller than cells (by area at the grid's middle pixel) aggregate; larger ones are sampled. */
export function chooseMethod(grid: Grid, res: number): MappingMethod {
  const { dy, dx } = pixelSpacingKm(grid, Math.floor(grid.ny / 2), Math.floor(grid.nx / 2));
  const pixelArea = (Number.isFinite(dy) ? dy : dx) * (Number.isFinite(dx) ? dx : dy);
  return pixelArea <= getHexagonAreaAvg(res, UNITS.km2) ? "aggregate" : "sample";
}

/**
 * The default resolution of a grid: the coarsest whose average cell is no larger than a pixel at the grid's
 * middle, so every pixel's value reaches a cell and cells outnumber pixels by at most about 7.
 */
export function chooseResolution(grid: Grid): { resolution: number; reason: string } {
  const { dy, dx } = pixelSpacingKm(grid, Math.floor(grid.ny / 2), Math.floor(grid.nx / 2));
  const pixelArea = (Number.isFinite(dy) ? dy : dx) * (Number.isFinite(dx) ? dx : dy);
  let res = 0;
  while (res < 15 && getHexagonAreaAvg(res, UNITS.km2) > pixelArea) res++;
  const km = Math.sqrt(pixelArea);
  return {
    resolution: res,
    reason: `pixels of about ${km >= 10 ? km.toFixed(0) : km.toPrecision(2)} km (${pixelArea.toPrecision(3)} km2) at the grid's middle: resolution ${res} is the coarsest whose cells (${getHexagonAreaAvg(res, UNITS.km2).toPrecision(3)} km2 on average) are no larger than a pixel`,
  };
}

/**
 * Halo (in rows and columns) such that every pixel of a cell owned by the block lies in the block plus halo:
 * pixels of a cell lie within its circumradius of its centre, taken as twice the average edge length to cover
 * the largest cells, divided by the smallest pixel spacing found around the block.
 */
export function blockHalo(grid: Grid, block: Block, res: number): { y: number; x: number } {
  const radiusKm = 2 * getHexagonEdgeLengthAvg(res, UNITS.km);
  let dyMin = Number.POSITIVE_INFINITY;
  for (const y of [block.y0, block.y1 - 1]) {
    for (const x of [block.x0, Math.floor((block.x0 + block.x1) / 2), block.x1 - 1]) {
      dyMin = Math.min(dyMin, pixelSpacingKm(grid, y, x).dy);
    }
  }
  const hy = Math.min(grid.ny, Math.ceil(radiusKm / dyMin) + 1);
  let dxMin = Number.POSITIVE_INFINITY;
  const rows = [Math.max(0, block.y0 - hy), block.y0, block.y1 - 1, Math.min(grid.ny - 1, block.y1 - 1 + hy)];
  for (const y of rows) {
    for (const x of [block.x0, Math.floor((block.x0 + block.x1) / 2), block.x1 - 1]) {
      dxMin = Math.min(dxMin, pixelSpacingKm(grid, y, x).dx);
    }
  }
  const hx = Math.min(grid.nx, Math.ceil(radiusKm / Math.max(dxMin, 1e-9)) + 1);
  return { y: Number.isFinite(hy) ? hy : grid.ny, x: Number.isFinite(hx) ? hx : grid.nx };
}
