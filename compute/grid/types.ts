/**
 * A 2-D grid of pixels (row y, column x) whose centres have latitude/longitude. Compute maps grids to H3 cells;
 * every kind of grid answers the same two questions: where is a pixel centre, and which pixel holds a point.
 */
export interface Grid {
  readonly ny: number;
  readonly nx: number;
  /** True when columns wrap around the globe (a global longitude axis): column nx-1 neighbours column 0. */
  readonly periodicX: boolean;
  /** Latitude/longitude (degrees, longitude in [-180, 180)) of pixel centres in rows y0..y1-1, columns x0..x1-1. */
  centres(y0: number, y1: number, x0: number, x1: number): { lat: Float64Array; lng: Float64Array };
  /**
   * Continuous pixel coordinates of a point (pixel (y, x)'s centre is at (y, x)), or undefined where the grid
   * cannot place it. With `clamp`, never undefined: the nearest pixel is given for points outside.
   */
  pixelCoords(lat: number, lng: number, clamp: boolean): [number, number] | undefined;
}

/** Serialisable description of a grid, so worker threads can rebuild it and caches can key on it. */
export type GridSpec =
  | { kind: "regular"; lat: Float64Array; lon: Float64Array }
  | {
      kind: "projected";
      /** proj4 definition (proj string or WKT) of the grid's CRS. */
      crs: string;
      /** Centre of pixel (0,0) and the step per column/row, in CRS units. */
      x0: number;
      dx: number;
      y0: number;
      dy: number;
      nx: number;
      ny: number;
    }
  | { kind: "curvilinear"; lat: Float64Array; lon: Float64Array; ny: number; nx: number };

/** Longitude into [-180, 180). */
export function normalizeLng(lng: number): number {
  const r = (((lng + 180) % 360) + 360) % 360;
  return r - 180;
}
