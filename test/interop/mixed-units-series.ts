/**
 * A NetCDF4 series whose files encode time differently (other units, other epochs), the case where combining
 * must re-encode the time coordinate: three files of four 6-hourly steps of float32 air temperature on a small
 * latitude/longitude grid, chunked and gzip-compressed by h5wasm, with dimension scales as netCDF-C writes them.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import h5wasm from "h5wasm/node";

export interface SeriesFile {
  path: string;
  /** Time values as stored in this file, in its own units. */
  time: Float64Array;
  units: string;
  /** The instants those values stand for (UTC ISO, seconds). */
  iso: string[];
  air: Float32Array;
}

export const LAT = Float32Array.from({ length: 6 }, (_, i) => 50 - i * 2);
export const LON = Float32Array.from({ length: 7 }, (_, i) => 5 + i * 2);
const STEPS = 4;
const START_MS = Date.UTC(2000, 0, 1);
const SIX_HOURS_MS = 6 * 3_600_000;

/** Per file: units and how many milliseconds one unit lasts, relative to the epoch the units name. */
const ENCODINGS: { units: string; epochMs: number; unitMs: number }[] = [
  { units: "hours since 2000-01-01 00:00:00", epochMs: Date.UTC(2000, 0, 1), unitMs: 3_600_000 },
  { units: "days since 1999-12-31", epochMs: Date.UTC(1999, 11, 31), unitMs: 86_400_000 },
  { units: "minutes since 2000-01-02T12:00:00Z", epochMs: Date.UTC(2000, 0, 2, 12), unitMs: 60_000 },
];

export function airValue(step: number, lat: number, lon: number): number {
  return 250 + step * 0.5 + lat * 0.25 - lon * 0.125;
}

export async function writeMixedUnitsSeries(dir: string): Promise<SeriesFile[]> {
  await h5wasm.ready;
  await mkdir(dir, { recursive: true });
  return ENCODINGS.map((enc, f) => {
    const path = join(dir, `air_${f}.nc`);
    const instants = Array.from({ length: STEPS }, (_, s) => START_MS + (f * STEPS + s) * SIX_HOURS_MS);
    const time = Float64Array.from(instants, (ms) => (ms - enc.epochMs) / enc.unitMs);
    const air = new Float32Array(STEPS * LAT.length * LON.length);
    let i = 0;
    for (let s = 0; s < STEPS; s++)
      for (const y of LAT) for (const x of LON) air[i++] = airValue(f * STEPS + s, y, x);
    writeFile(path, time, enc.units, air);
    return { path, time, units: enc.units, iso: instants.map((ms) => new Date(ms).toISOString()), air };
  });
}

function writeFile(path: string, time: Float64Array, units: string, air: Float32Array): void {
  const f = new h5wasm.File(path, "w");
  try {
    const t = f.create_dataset({ name: "time", data: time, maxshape: [null], chunks: [STEPS] });
    t.create_attribute("units", units);
    t.create_attribute("calendar", "standard");
    t.make_scale("time");
    const la = f.create_dataset({ name: "lat", data: LAT });
    la.create_attribute("units", "degrees_north");
    la.make_scale("lat");
    const lo = f.create_dataset({ name: "lon", data: LON });
    lo.create_attribute("units", "degrees_east");
    lo.make_scale("lon");
    const v = f.create_dataset({
      name: "air",
      data: air,
      shape: [STEPS, LAT.length, LON.length],
      maxshape: [null, LAT.length, LON.length],
      chunks: [2, 3, 4],
      compression: 6,
    });
    v.create_attribute("units", "K");
    v.attach_scale(0, "/time");
    v.attach_scale(1, "/lat");
    v.attach_scale(2, "/lon");
  } finally {
    f.close();
  }
}
