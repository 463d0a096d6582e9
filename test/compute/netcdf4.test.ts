/**
 * The whole chain on a real file: h5wasm writes a NetCDF4-style HDF5 file (dimension scales, gzip chunks, packed
 * int16 with _FillValue, a noleap time axis), the HDF5 scanner references it, compute reads through the
 * references (readArray + zlib codec) and the output equals a brute force over the values h5wasm reads back.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import h5wasm from "h5wasm/node";
import { afterAll, describe, expect, it } from "vitest";
import { LocalOutput } from "../../compute/io/output.js";
import { referenceReader } from "../../compute/read.js";
import { computeProject } from "../../compute/run.js";
import { FileSource } from "../../refs/storage/file.js";
import { scanHdf5 } from "../../scanner/hdf5/scan.js";
import { bruteAggregate, type Truth } from "./helpers/brute.js";
import { hash01 } from "./helpers/cases.js";
import { expectOutputEquals } from "./helpers/compare.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function writeNetcdf4(path: string): Promise<void> {
  await h5wasm.ready;
  const f = new h5wasm.File(path, "w");
  const ny = 36;
  const nx = 72;
  const nt = 4;
  const lat = f.create_dataset({
    name: "latitude",
    data: Float64Array.from({ length: ny }, (_, i) => 87.5 - i * 5),
    shape: [ny],
  });
  lat.make_scale("latitude");
  lat.create_attribute("units", "degrees_north");
  const lon = f.create_dataset({
    name: "longitude",
    data: Float64Array.from({ length: nx }, (_, i) => i * 5),
    shape: [nx],
  });
  lon.make_scale("longitude");
  lon.create_attribute("units", "degrees_east");
  const time = f.create_dataset({ name: "time", data: Float64Array.from([0, 12, 24, 36]), shape: [nt] });
  time.make_scale("time");
  time.create_attribute("units", "hours since 2000-02-28 00:00:00");
  time.create_attribute("calendar", "noleap");
  const raw = Int16Array.from({ length: nt * ny * nx }, (_, k) =>
    hash01(k) < 0.08 ? -32767 : Math.floor(hash01(k + 5) * 30000) - 15000,
  );
  const v = f.create_dataset({
    name: "t2m",
    data: raw,
    shape: [nt, ny, nx],
    chunks: [1, 18, 36],
    compression: "gzip",
    compression_opts: 4,
  });
  v.attach_scale(0, "/time");
  v.attach_scale(1, "/latitude");
  v.attach_scale(2, "/longitude");
  v.create_attribute("scale_factor", new Float64Array([0.002]));
  v.create_attribute("add_offset", new Float64Array([273.15]));
  v.create_attribute("_FillValue", new Int16Array([-32767]));
  f.close();
}

function truthFromH5wasm(path: string): Truth {
  const f = new h5wasm.File(path, "r");
  const get = (name: string) => (f.get(name) as { value: ArrayLike<number> }).value;
  const lat = Array.from(get("latitude"));
  const lon = Array.from(get("longitude"));
  const raw = Array.from(get("t2m"));
  f.close();
  const ny = lat.length;
  const nx = lon.length;
  // noleap: 2000-02-28 + 24 h is March 1st (no February 29th).
  const times = [
    Date.UTC(2000, 1, 28),
    Date.UTC(2000, 1, 28, 12),
    Date.UTC(2000, 2, 1),
    Date.UTC(2000, 2, 1, 12),
  ];
  return {
    ny,
    nx,
    nt: 4,
    nv: 1,
    centre: (y, x) => [lat[y] as number, lon[x] as number],
    value: (_, t, y, x) => {
      const r = raw[(t * ny + y) * nx + x] as number;
      return r === -32767 ? Number.NaN : r * 0.002 + 273.15;
    },
    time: (t) => BigInt(times[t] as number) * 1000n,
  };
}

describe("NetCDF4 written by h5wasm, scanned by the HDF5 scanner, computed through the references", () => {
  it("equals brute force over h5wasm's values", async () => {
    const dir = await mkdtemp(join(tmpdir(), "refs-compute-nc4-"));
    dirs.push(dir);
    const path = join(dir, "era5-like.nc");
    await writeNetcdf4(path);
    const source = new FileSource(path);
    const { refs, issues } = await scanHdf5(source, path, { inlineThreshold: 0 });
    expect(issues).toEqual([]);
    const root = join(dir, "out");
    const summary = await computeProject(
      { refs, read: referenceReader(refs, (url) => new FileSource(url)), output: new LocalOutput(root) },
      { variables: ["t2m"], resolution: 1 },
      { mappingThreads: 0 },
    );
    expect(summary.method).toBe("aggregate");
    expect(summary.unitsTotal).toBe(122); // one partition per h0 cell: the hours fit one window
    await expectOutputEquals(root, "h1", ["t2m"], bruteAggregate(truthFromH5wasm(path), 1, "mean"), {
      withCount: true,
    });
  });
});
