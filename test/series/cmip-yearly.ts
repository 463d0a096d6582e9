/**
 * A CMIP-style series: one NetCDF4 file per model year, each counting time in "days since <year>-01-01" of a
 * 360_day calendar, so every file holds the same raw times (15, 45, ..., 345) for different dates; monthly
 * means of near-surface air temperature with time_bnds (no units of their own: CF bounds inherit the
 * coordinate's) named by time's `bounds` attribute.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import h5wasm from "h5wasm/node";

export const CMIP_LAT = Float32Array.from({ length: 4 }, (_, i) => -45 + i * 30);
export const CMIP_LON = Float32Array.from({ length: 5 }, (_, i) => i * 72);
export const MONTHS = 12;

export interface CmipFile {
  path: string;
  year: number;
  units: string;
  /** Days since 1 January of the file's year (360_day), and the bounds of each month. */
  time: Float64Array;
  bounds: Float64Array;
  tas: Float32Array;
}

export function tasValue(year: number, month: number, lat: number, lon: number): number {
  return (
    288 + (year - 2000) * 0.25 + 10 * Math.cos((month / 12) * 2 * Math.PI) - Math.abs(lat) * 0.3 + lon * 0.01
  );
}

export async function writeCmipYearly(dir: string, years: readonly number[]): Promise<CmipFile[]> {
  await h5wasm.ready;
  await mkdir(dir, { recursive: true });
  return years.map((year) => {
    const path = join(dir, `tas_Amon_model_historical_r1i1p1f1_gn_${year}01-${year}12.nc`);
    const units = `days since ${year}-01-01`;
    const time = Float64Array.from({ length: MONTHS }, (_, m) => m * 30 + 15);
    const bounds = Float64Array.from({ length: MONTHS * 2 }, (_, k) => Math.floor(k / 2) * 30 + (k % 2) * 30);
    const tas = new Float32Array(MONTHS * CMIP_LAT.length * CMIP_LON.length);
    let i = 0;
    for (let m = 0; m < MONTHS; m++)
      for (const y of CMIP_LAT) for (const x of CMIP_LON) tas[i++] = tasValue(year, m, y, x);
    const f = new h5wasm.File(path, "w");
    try {
      const t = f.create_dataset({ name: "time", data: time, maxshape: [null], chunks: [MONTHS] });
      t.create_attribute("units", units);
      t.create_attribute("calendar", "360_day");
      t.create_attribute("bounds", "time_bnds");
      t.create_attribute("standard_name", "time");
      t.make_scale("time");
      const nb = f.create_dataset({ name: "bnds", data: Float64Array.from([0, 1]) });
      nb.make_scale("bnds");
      const la = f.create_dataset({ name: "lat", data: CMIP_LAT });
      la.create_attribute("units", "degrees_north");
      la.make_scale("lat");
      const lo = f.create_dataset({ name: "lon", data: CMIP_LON });
      lo.create_attribute("units", "degrees_east");
      lo.make_scale("lon");
      const b = f.create_dataset({
        name: "time_bnds",
        data: bounds,
        shape: [MONTHS, 2],
        maxshape: [null, 2],
        chunks: [MONTHS, 2],
      });
      b.attach_scale(0, "/time");
      b.attach_scale(1, "/bnds");
      const v = f.create_dataset({
        name: "tas",
        data: tas,
        shape: [MONTHS, CMIP_LAT.length, CMIP_LON.length],
        maxshape: [null, CMIP_LAT.length, CMIP_LON.length],
        chunks: [MONTHS, CMIP_LAT.length, CMIP_LON.length],
        compression: 4,
      });
      v.create_attribute("units", "K");
      v.create_attribute("standard_name", "air_temperature");
      v.attach_scale(0, "/time");
      v.attach_scale(1, "/lat");
      v.attach_scale(2, "/lon");
    } finally {
      f.close();
    }
    return { path, year, units, time, bounds, tas };
  });
}
