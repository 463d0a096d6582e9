/**
 * A NetCDF4 file cut short after its metadata: its chunks are written after every header (datasets created empty,
 * attributes added, then resized and filled), so cutting the file inside the last chunks leaves a complete header
 * whose chunk index points past the end, as a download stopped part way does.
 */
import { readFile, writeFile } from "node:fs/promises";
import h5wasm from "h5wasm/node";

/** Writes the whole file at `path`, then its first `keep(size)` bytes at `truncatedPath`; returns both sizes. */
export async function writeTruncatedNetcdf4(
  path: string,
  truncatedPath: string,
  hours: Float64Array,
): Promise<{ size: number; kept: number }> {
  await h5wasm.ready;
  const [nt, ny, nx] = [hours.length, 6, 8];
  const f = new h5wasm.File(path, "w");
  try {
    const t = f.create_dataset({ name: "time", data: hours, maxshape: [null], chunks: [nt] });
    t.create_attribute("units", "hours since 2000-01-01");
    t.make_scale("time");
    const v = f.create_dataset({
      name: "air",
      data: new Float32Array(0),
      shape: [0, ny, nx],
      maxshape: [null, ny, nx],
      chunks: [1, ny, nx],
      compression: 1,
    });
    v.create_attribute("units", "K");
    v.attach_scale(0, "/time");
    v.resize([nt, ny, nx]);
    v.write_slice(
      [
        [0, nt],
        [0, ny],
        [0, nx],
      ],
      Float32Array.from({ length: nt * ny * nx }, (_, i) => 250 + (i % 97)),
    );
  } finally {
    f.close();
  }
  const bytes = await readFile(path);
  // Keep the metadata and about three quarters of the data: the last chunks lie past the cut.
  const kept = Math.floor(bytes.length * 0.8);
  await writeFile(truncatedPath, bytes.subarray(0, kept));
  return { size: bytes.length, kept };
}
