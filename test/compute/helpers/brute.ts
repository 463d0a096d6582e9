/**
 * Brute-force expectations, computed independently of compute/: every pixel centre through h3-js
 * latLngToCell, grouped in a Map, combined per time step; or, for sampling, every cell of a bounding polygon
 * whose centre lies on the grid, taking the pixel under it.
 */
import { cellToLatLng, latLngToCell, polygonToCells } from "h3-js";

export interface Truth {
  ny: number;
  nx: number;
  nt: number;
  /** Pixel centre of (y, x). */
  centre(y: number, x: number): [number, number];
  /** Decoded value of variable v at (t, y, x); NaN when missing. */
  value(v: number, t: number, y: number, x: number): number;
  nv: number;
  /** Timestamp (microseconds) of step t, or undefined without time. */
  time?(t: number): bigint;
}

export interface ExpectedRow {
  cell: bigint;
  time?: bigint;
  values: number[];
  count?: number;
}

export function rowKey(cell: bigint, time?: bigint): string {
  return `${cell}|${time ?? ""}`;
}

export function bruteAggregate(
  truth: Truth,
  res: number,
  agg: "mean" | "min" | "max" | "sum" | "count",
): Map<string, ExpectedRow> {
  const groups = new Map<string, number[]>();
  for (let y = 0; y < truth.ny; y++) {
    for (let x = 0; x < truth.nx; x++) {
      const [lat, lng] = truth.centre(y, x);
      const c = latLngToCell(lat, lng, res);
      let list = groups.get(c);
      if (!list) {
        list = [];
        groups.set(c, list);
      }
      list.push(y * truth.nx + x);
    }
  }
  const out = new Map<string, ExpectedRow>();
  for (const [c, pixels] of groups) {
    const cell = BigInt(`0x${c}`);
    for (let t = 0; t < truth.nt; t++) {
      const vals: number[][] = Array.from({ length: truth.nv }, () => []);
      let count = 0;
      for (const p of pixels) {
        const y = Math.floor(p / truth.nx);
        const x = p % truth.nx;
        let any = false;
        for (let v = 0; v < truth.nv; v++) {
          const val = truth.value(v, t, y, x);
          if (!Number.isNaN(val)) {
            (vals[v] as number[]).push(val);
            any = true;
          }
        }
        if (any) count++;
      }
      if (count === 0) continue;
      const values = vals.map((list) => combine(list, agg));
      const time = truth.time?.(t);
      out.set(rowKey(cell, time), { cell, ...(time !== undefined ? { time } : {}), values, count });
    }
  }
  return out;
}

function combine(list: number[], agg: string): number {
  if (agg === "count") return list.length;
  if (list.length === 0) return Number.NaN;
  if (agg === "min") return Math.min(...list);
  if (agg === "max") return Math.max(...list);
  const sum = list.reduce((a, b) => a + b, 0);
  return agg === "sum" ? sum : sum / list.length;
}

/**
 * Sampling on a regular lat/lon grid: cells whose centre lies within the pixels' outer edges take the value of
 * the pixel under the centre. `global`: the grid covers the globe and its longitudes wrap.
 */
export function bruteSample(
  truth: Truth,
  res: number,
  axes: { lat0: number; dlat: number; lon0: number; dlon: number },
  global = false,
): Map<string, ExpectedRow> {
  const lats = [axes.lat0 - axes.dlat / 2, axes.lat0 + (truth.ny - 0.5) * axes.dlat];
  const lons = [axes.lon0 - axes.dlon / 2, axes.lon0 + (truth.nx - 0.5) * axes.dlon];
  const [s, n] = [Math.min(...lats), Math.max(...lats)];
  const [w, e] = [Math.min(...lons), Math.max(...lons)];
  const pad = 1;
  const ring = [
    [s - pad, w - pad],
    [s - pad, e + pad],
    [n + pad, e + pad],
    [n + pad, w - pad],
  ];
  const rings = global
    ? [-180, -90, 0, 90].map((w0) => [
        [-90, w0],
        [-90, w0 + 90],
        [90, w0 + 90],
        [90, w0],
      ])
    : [ring];
  const out = new Map<string, ExpectedRow>();
  for (const c of new Set(rings.flatMap((r) => polygonToCells(r, res)))) {
    const [lat, lng] = cellToLatLng(c);
    const y = Math.round((lat - axes.lat0) / axes.dlat);
    let x = Math.round((lng - axes.lon0) / axes.dlon);
    if (global) x = ((x % truth.nx) + truth.nx) % truth.nx;
    if (y < 0 || y >= truth.ny || x < 0 || x >= truth.nx) continue;
    const cell = BigInt(`0x${c}`);
    for (let t = 0; t < truth.nt; t++) {
      const values = Array.from({ length: truth.nv }, (_, v) => truth.value(v, t, y, x));
      if (values.every(Number.isNaN)) continue;
      const time = truth.time?.(t);
      out.set(rowKey(cell, time), { cell, ...(time !== undefined ? { time } : {}), values });
    }
  }
  return out;
}
