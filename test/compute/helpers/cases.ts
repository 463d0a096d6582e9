/** Generated datasets shared by compute tests, the fault/shard child scripts and the benchmark. */
import proj4 from "proj4";

import type { Truth } from "./brute.js";
import { type ArraySpec, buildDataset, type Dataset } from "./dataset.js";

/** Deterministic pseudo-random in [0, 1) from an integer. */
export function hash01(n: number): number {
  let h = Math.imul(n ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

export interface Case {
  dataset: Dataset;
  truth: Truth;
}

const HOURS_1900_TO_2022_01_31 = (Date.UTC(2022, 0, 31) - Date.UTC(1900, 0, 1)) / 3_600_000;

/**
 * ERA5-like hourly grid: latitude descending 89.5..-89.5, longitude 0..359 (wraps), `nt` hours from
 * 2022-01-31 20:00 (crossing midnight), `tp` int16 packed with scale/offset and _FillValue, `t2m` float32 with
 * NaN fill. Time chunk 2: hours 4-5 are entirely fill, so their units are all-fill.
 */
export function hourlyGrid(step = 1, nt = 6, chunks = [2, 60, 120], fillHours = [4, 5]): Case {
  const ny = Math.round(180 / step);
  const nx = Math.round(360 / step);
  const lat = Float64Array.from({ length: ny }, (_, i) => 90 - step / 2 - i * step);
  const lon = Float64Array.from({ length: nx }, (_, i) => i * step);
  const time = Float64Array.from({ length: nt }, (_, i) => HOURS_1900_TO_2022_01_31 - 4 + i);
  const n = nt * ny * nx;
  const tp = new Int16Array(n);
  const t2m = new Float32Array(n);
  const allFill = (t: number) => fillHours.includes(t);
  for (let k = 0; k < n; k++) {
    const t = Math.floor(k / (ny * nx));
    const r = hash01(k);
    tp[k] = allFill(t) || r < 0.05 ? -32767 : Math.floor(hash01(k + 7) * 20000) - 10000;
    t2m[k] = allFill(t) || r > 0.97 ? Number.NaN : 250 + hash01(k + 11) * 60;
  }
  const dims = ["time", "latitude", "longitude"];
  const arrays: Record<string, ArraySpec> = {
    latitude: { dims: ["latitude"], shape: [ny], dtype: "<f8", data: lat, attrs: { units: "degrees_north" } },
    longitude: {
      dims: ["longitude"],
      shape: [nx],
      dtype: "<f8",
      data: lon,
      attrs: { units: "degrees_east" },
    },
    time: {
      dims: ["time"],
      shape: [nt],
      dtype: "<f8",
      data: time,
      attrs: { units: "hours since 1900-01-01 00:00:00.0", calendar: "gregorian" },
    },
    tp: {
      dims,
      shape: [nt, ny, nx],
      chunks,
      dtype: "<i2",
      data: tp,
      attrs: { scale_factor: 0.001, add_offset: 5, _FillValue: -32767, units: "m" },
    },
    t2m: {
      dims,
      shape: [nt, ny, nx],
      chunks,
      dtype: "<f4",
      data: t2m,
      fillValue: "NaN",
      attrs: { units: "K" },
    },
  };
  const truth: Truth = {
    ny,
    nx,
    nt,
    nv: 2,
    centre: (y, x) => [lat[y] as number, lon[x] as number],
    value(v, t, y, x) {
      const k = (t * ny + y) * nx + x;
      if (v === 0) {
        const raw = tp[k] as number;
        return raw === -32767 ? Number.NaN : raw * 0.001 + 5;
      }
      return t2m[k] as number;
    },
    time: (t) => BigInt(Date.UTC(2022, 0, 31) + (t - 4) * 3_600_000) * 1000n,
  };
  return { dataset: buildDataset(arrays), truth };
}

/** A coarse regional grid (2.5 degrees) sampled at a fine resolution: cells smaller than pixels. */
export function coarseRegional(): Case & {
  axes: { lat0: number; dlat: number; lon0: number; dlon: number };
} {
  const ny = 5;
  const nx = 9;
  const nt = 3;
  const lat = Float64Array.from({ length: ny }, (_, i) => 60 - i * 2.5);
  const lon = Float64Array.from({ length: nx }, (_, i) => -10 + i * 2.5);
  const time = Float64Array.from({ length: nt }, (_, i) => i * 6);
  const v = Float64Array.from({ length: nt * ny * nx }, (_, k) => (k % 7 === 3 ? -999 : k * 0.5));
  const dims = ["time", "lat", "lon"];
  const arrays: Record<string, ArraySpec> = {
    lat: { dims: ["lat"], shape: [ny], dtype: "<f8", data: lat, attrs: { standard_name: "latitude" } },
    lon: { dims: ["lon"], shape: [nx], dtype: "<f8", data: lon, attrs: { standard_name: "longitude" } },
    time: {
      dims: ["time"],
      shape: [nt],
      dtype: "<f8",
      data: time,
      attrs: { units: "hours since 2000-01-01" },
    },
    pr: {
      dims,
      shape: [nt, ny, nx],
      chunks: [1, 3, 4],
      dtype: "<f8",
      data: v,
      attrs: { missing_value: -999 },
    },
  };
  const truth: Truth = {
    ny,
    nx,
    nt,
    nv: 1,
    centre: (y, x) => [lat[y] as number, lon[x] as number],
    value: (_, t, y, x) => {
      const raw = v[(t * ny + y) * nx + x] as number;
      return raw === -999 ? Number.NaN : raw;
    },
    time: (t) => BigInt(Date.UTC(2000, 0, 1) + t * 6 * 3_600_000) * 1000n,
  };
  return { dataset: buildDataset(arrays), truth, axes: { lat0: 60, dlat: -2.5, lon0: -10, dlon: 2.5 } };
}

/**
 * A UTM zone 33N raster (EPSG:32633 as a GeoTIFF key), `ny` x `nx` pixels of `size` metres, y descending,
 * uint8 with nodata 0, no time: units are y{i}_x{j}.
 */
export function utmRaster(
  ny = 128,
  nx = 160,
  size = 100,
  chunk = 64,
): Case & { x0: number; y0: number; size: number } {
  const x0 = 500_050;
  const y0 = 5_500_050;
  const xs = Float64Array.from({ length: nx }, (_, i) => x0 + i * size);
  const ys = Float64Array.from({ length: ny }, (_, i) => y0 - i * size);
  const band = Uint8Array.from({ length: ny * nx }, (_, k) =>
    hash01(k) < 0.1 ? 0 : 1 + Math.floor(hash01(k + 3) * 250),
  );
  const arrays: Record<string, ArraySpec> = {
    x: { dims: ["x"], shape: [nx], dtype: "<f8", data: xs, attrs: { units: "m" } },
    y: { dims: ["y"], shape: [ny], dtype: "<f8", data: ys, attrs: { units: "m" } },
    band1: {
      dims: ["y", "x"],
      shape: [ny, nx],
      chunks: [chunk, chunk],
      dtype: "<u1",
      data: band,
      attrs: { ProjectedCSTypeGeoKey: 32633, nodata: 0 },
    },
  };
  const truth: Truth = {
    ny,
    nx,
    nt: 1,
    nv: 1,
    centre: (y, x) => {
      const [lng, lat] = utmToWgs84(xs[x] as number, ys[y] as number);
      return [lat, lng];
    },
    value: (_, __, y, x) => {
      const v = band[y * nx + x] as number;
      return v === 0 ? Number.NaN : v;
    },
  };
  return { dataset: buildDataset(arrays), truth, x0, y0, size };
}

const utm33 = proj4("+proj=utm +zone=33 +datum=WGS84 +units=m +no_defs", "WGS84");
export function utmToWgs84(x: number, y: number): [number, number] {
  return utm33.forward([x, y]) as [number, number];
}

/** A sheared 2-D latitude/longitude grid (like a rotated-pole model grid) with `coordinates` naming it. */
export function curvilinear(ny = 60, nx = 80): Case {
  const lat2d = new Float64Array(ny * nx);
  const lon2d = new Float64Array(ny * nx);
  for (let y = 0; y < ny; y++) {
    for (let x = 0; x < nx; x++) {
      lat2d[y * nx + x] = 40 + 0.05 * y + 0.02 * x;
      lon2d[y * nx + x] = 10 + 0.05 * x - 0.02 * y;
    }
  }
  const v = Float32Array.from({ length: ny * nx }, (_, k) =>
    hash01(k) < 0.05 ? Number.NaN : hash01(k + 1) * 100,
  );
  const arrays: Record<string, ArraySpec> = {
    nav_lat: {
      dims: ["y", "x"],
      shape: [ny, nx],
      dtype: "<f8",
      data: lat2d,
      attrs: { units: "degrees_north" },
    },
    nav_lon: {
      dims: ["y", "x"],
      shape: [ny, nx],
      dtype: "<f8",
      data: lon2d,
      attrs: { units: "degrees_east" },
    },
    sst: {
      dims: ["y", "x"],
      shape: [ny, nx],
      chunks: [32, 32],
      dtype: "<f4",
      data: v,
      fillValue: "NaN",
      attrs: { coordinates: "nav_lat nav_lon" },
    },
  };
  const truth: Truth = {
    ny,
    nx,
    nt: 1,
    nv: 1,
    centre: (y, x) => [lat2d[y * nx + x] as number, lon2d[y * nx + x] as number],
    value: (_, __, y, x) => v[y * nx + x] as number,
  };
  return { dataset: buildDataset(arrays), truth };
}
