/**
 * A small DEM-like Cloud-Optimized GeoTIFF for the demo: float32 elevations on a 30 m UTM grid (EPSG:32633),
 * 256x256 deflate tiles with the floating-point predictor, a half-resolution overview and a nodata value.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type ImageSpec, writeTiff } from "./write-tiff.js";

export const DEM_NODATA = -9999;

/** Elevation in metres at pixel (row, col): hills on a slope, with a no-data lake in one corner. */
export function syntheticElevation(row: number, col: number): number {
  if ((row - 60) ** 2 + (col - 60) ** 2 < 30 ** 2) return DEM_NODATA;
  return 400 + 0.5 * row + 80 * Math.sin(col / 40) * Math.cos(row / 55);
}

function image(size: number, step: number, overview: boolean): ImageSpec {
  const data = new Float32Array(size * size);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) data[r * size + c] = syntheticElevation(r * step, c * step);
  }
  return {
    width: size,
    height: size,
    bits: 32,
    format: 3,
    tile: [256, 256],
    compression: 8,
    predictor: 3,
    data,
    nodata: String(DEM_NODATA),
    ...(overview
      ? { subfileType: 1 }
      : {
          geo: { scale: [30, 30], tie: [500_000, 5_300_000], epsg: 32633, citation: "WGS 84 / UTM zone 33N" },
          // DateTime (306): when the data was made; the catalog dates the DEM's items by it
          extraTags: [{ tag: 306, type: 2, values: `${DEM_DATETIME}\0` }],
        }),
  };
}

/** The DEM's TIFF DateTime tag (TIFF writes "YYYY:MM:DD HH:MM:SS"). */
export const DEM_DATETIME = "2024:06:01 12:00:00";

/** Write the COG (size x size pixels, default 512) and return its path. */
export async function writeDemLike(dir: string, size = 512): Promise<string> {
  await mkdir(dir, { recursive: true });
  const { bytes } = writeTiff({ images: [image(size, 1, false), image(size / 2, 2, true)] });
  const path = join(dir, "dem_utm33n.tif");
  await writeFile(path, bytes);
  return path;
}
