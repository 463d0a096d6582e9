import { type Grid, normalizeLng } from "./types.js";

const DEG = Math.PI / 180;

/**
 * A grid given by 2-D latitude/longitude coordinates (swaths, rotated poles, ...). Placing a point is a nearest
 * pixel-centre search over buckets of `bucketDeg` degrees; a point farther than about two pixel spacings from
 * every centre is outside the grid.
 */
export class CurvilinearGrid implements Grid {
  readonly periodicX = false;
  private readonly lngs: Float64Array;
  private readonly buckets = new Map<number, number[]>();
  private readonly bucketDeg: number;
  /** Largest distance (radians) from a pixel centre to its neighbours: beyond twice that a point is outside. */
  private readonly spacing: number;

  constructor(
    private readonly lats: Float64Array,
    lngs: Float64Array,
    readonly ny: number,
    readonly nx: number,
  ) {
    this.lngs = Float64Array.from(lngs, normalizeLng);
    let spacing = 0;
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        const k = y * nx + x;
        if (x + 1 < nx) spacing = Math.max(spacing, this.distance(k, k + 1));
        if (y + 1 < ny) spacing = Math.max(spacing, this.distance(k, k + nx));
      }
    }
    this.spacing = spacing || DEG;
    this.bucketDeg = Math.max(this.spacing / DEG, 1e-6) * 2;
    for (let k = 0; k < ny * nx; k++) {
      const key = this.bucketKey(this.lats[k] as number, this.lngs[k] as number);
      const list = this.buckets.get(key);
      if (list) list.push(k);
      else this.buckets.set(key, [k]);
    }
  }

  centres(y0: number, y1: number, x0: number, x1: number): { lat: Float64Array; lng: Float64Array } {
    const n = (y1 - y0) * (x1 - x0);
    const lat = new Float64Array(n);
    const lng = new Float64Array(n);
    for (let y = y0, k = 0; y < y1; y++) {
      for (let x = x0; x < x1; x++, k++) {
        lat[k] = this.lats[y * this.nx + x] as number;
        lng[k] = this.lngs[y * this.nx + x] as number;
      }
    }
    return { lat, lng };
  }

  pixelCoords(lat: number, lng: number, clamp: boolean): [number, number] | undefined {
    const near = this.nearest(lat, normalizeLng(lng), clamp ? Number.POSITIVE_INFINITY : 1);
    if (near < 0) return undefined;
    return [Math.floor(near / this.nx), near % this.nx];
  }

  /** Nearest pixel searching rings of buckets up to `maxRings` (infinite: until something is found). */
  private nearest(lat: number, lng: number, maxRings: number): number {
    const by = Math.floor(lat / this.bucketDeg);
    const bx = Math.floor(lng / this.bucketDeg);
    const columns = Math.ceil(360 / this.bucketDeg);
    const rows = Math.ceil(180 / this.bucketDeg) + 2;
    let best = -1;
    let bestD = Number.POSITIVE_INFINITY;
    for (let ring = 0; ring <= Math.min(maxRings, Math.max(rows, columns)); ring++) {
      for (let dy = -ring; dy <= ring; dy++) {
        for (let dx = -ring; dx <= ring; dx++) {
          if (Math.max(Math.abs(dy), Math.abs(dx)) !== ring) continue;
          const list = this.buckets.get(this.key(by + dy, bx + dx, columns));
          for (const k of list ?? []) {
            const d = haversine(lat, lng, this.lats[k] as number, this.lngs[k] as number);
            if (d < bestD) {
              bestD = d;
              best = k;
            }
          }
        }
      }
      // A later ring cannot hold anything nearer than a found point once the ring is wide enough.
      if (best >= 0 && ring >= 1) break;
    }
    if (maxRings !== Number.POSITIVE_INFINITY && bestD > 2 * this.spacing) return -1;
    return best;
  }

  private bucketKey(lat: number, lng: number): number {
    const columns = Math.ceil(360 / this.bucketDeg);
    return this.key(Math.floor(lat / this.bucketDeg), Math.floor(lng / this.bucketDeg), columns);
  }

  private key(by: number, bx: number, columns: number): number {
    const wrapped = ((bx % columns) + columns) % columns;
    return by * columns + wrapped;
  }

  private distance(a: number, b: number): number {
    return haversine(
      this.lats[a] as number,
      this.lngs[a] as number,
      this.lats[b] as number,
      this.lngs[b] as number,
    );
  }
}

/** Great-circle distance in radians. */
export function haversine(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const dLat = (lat2 - lat1) * DEG;
  const dLng = (lng2 - lng1) * DEG;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * DEG) * Math.cos(lat2 * DEG) * Math.sin(dLng / 2) ** 2;
  return 2 * Math.asin(Math.min(1, Math.sqrt(a)));
}
