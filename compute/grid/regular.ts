import { fractionalIndex } from "./axis.js";
import { type Grid, normalizeLng } from "./types.js";

/**
 * A latitude/longitude grid from 1-D CF coordinate variables: latitude ascending or descending, longitude in
 * -180..180 or 0..360 (any monotone axis; steps need not be equal). Longitude spanning the globe wraps.
 */
export class RegularLatLonGrid implements Grid {
  readonly ny: number;
  readonly nx: number;
  readonly periodicX: boolean;
  /** Longitudes unwrapped so they increase from the first one (a 0..360 or a -180..180 axis alike). */
  private readonly lon: Float64Array;
  private readonly lngCentres: Float64Array;

  constructor(
    private readonly lat: Float64Array,
    lon: Float64Array,
  ) {
    this.ny = lat.length;
    this.nx = lon.length;
    this.lon = Float64Array.from(lon);
    const step = this.nx > 1 ? ((lon[this.nx - 1] as number) - (lon[0] as number)) / (this.nx - 1) : 360;
    this.periodicX = Math.abs(Math.abs(step) * this.nx - 360) < Math.abs(step) * 1e-3;
    this.lngCentres = Float64Array.from(lon, normalizeLng);
  }

  centres(y0: number, y1: number, x0: number, x1: number): { lat: Float64Array; lng: Float64Array } {
    const w = x1 - x0;
    const n = (y1 - y0) * w;
    const lat = new Float64Array(n);
    const lng = new Float64Array(n);
    for (let y = y0, k = 0; y < y1; y++) {
      const la = this.lat[y] as number;
      for (let x = x0; x < x1; x++, k++) {
        lat[k] = la;
        lng[k] = this.lngCentres[x] as number;
      }
    }
    return { lat, lng };
  }

  pixelCoords(lat: number, lng: number, clamp: boolean): [number, number] | undefined {
    let fy = fractionalIndex(this.lat, lat);
    const fx = this.columnOf(lng);
    if (clamp) fy = Math.min(Math.max(fy, 0), this.ny - 1);
    return [fy, clamp && !this.periodicX ? Math.min(Math.max(fx, 0), this.nx - 1) : fx];
  }

  /** Fractional column of a longitude, trying the longitude and its +-360 twins for the one nearest the axis. */
  private columnOf(lng: number): number {
    const first = this.lon[0] as number;
    const last = this.lon[this.nx - 1] as number;
    const lo = Math.min(first, last);
    const hi = Math.max(first, last);
    let best = lng;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const candidate of [lng - 360, lng, lng + 360]) {
      const d = candidate < lo ? lo - candidate : candidate > hi ? candidate - hi : 0;
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    let fx = fractionalIndex(this.lon, best);
    if (this.periodicX) {
      // Between the last column and the first one (across the seam) the nearest column is one of the two.
      if (fx >= this.nx - 0.5) fx -= this.nx;
      if (fx < -0.5) fx += this.nx;
    }
    return fx;
  }
}
