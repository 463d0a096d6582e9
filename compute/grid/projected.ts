import proj4, { type Converter } from "proj4";
import { type Grid, normalizeLng } from "./types.js";

/**
 * A raster in a projected CRS with an affine pixel grid (no rotation): pixel (y, x) has its centre at
 * (x0 + x*dx, y0 + y*dy) in CRS units. proj4 converts between the CRS and WGS84 latitude/longitude.
 */
export class ProjectedGrid implements Grid {
  readonly periodicX = false;
  private readonly toWgs84: Converter;

  constructor(
    crs: string,
    private readonly x0: number,
    private readonly dx: number,
    private readonly y0: number,
    private readonly dy: number,
    readonly nx: number,
    readonly ny: number,
  ) {
    this.toWgs84 = proj4(crs, "WGS84") as Converter;
  }

  centres(y0: number, y1: number, x0: number, x1: number): { lat: Float64Array; lng: Float64Array } {
    const n = (y1 - y0) * (x1 - x0);
    const lat = new Float64Array(n);
    const lng = new Float64Array(n);
    const point = [0, 0];
    for (let y = y0, k = 0; y < y1; y++) {
      for (let x = x0; x < x1; x++, k++) {
        point[0] = this.x0 + x * this.dx;
        point[1] = this.y0 + y * this.dy;
        const [lo, la] = this.toWgs84.forward(point) as number[];
        lat[k] = la as number;
        lng[k] = normalizeLng(lo as number);
      }
    }
    return { lat, lng };
  }

  pixelCoords(lat: number, lng: number, clamp: boolean): [number, number] | undefined {
    const xy = this.toWgs84.inverse([lng, lat]) as number[];
    const X = xy[0] as number;
    const Y = xy[1] as number;
    if (!Number.isFinite(X) || !Number.isFinite(Y)) {
      return clamp ? [0, 0] : undefined;
    }
    let fx = (X - this.x0) / this.dx;
    let fy = (Y - this.y0) / this.dy;
    if (clamp) {
      fx = Math.min(Math.max(fx, 0), this.nx - 1);
      fy = Math.min(Math.max(fy, 0), this.ny - 1);
    }
    return [fy, fx];
  }
}
