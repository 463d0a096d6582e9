/**
 * The arrays the TIFF scanner generates rather than references (scanner/tiff/coordinates.ts): X/Y pixel-centre
 * coordinates per level and the `spatial_ref` grid mapping. No chunk of the file holds them, so they are checked
 * against what geotiff.js (an independent reader) finds in the file: X/Y against the GeoTIFF transform
 * (ModelTiepoint + ModelPixelScale, or ModelTransformation), spatial_ref's EPSG code against the GeoKeys.
 */
import type { GeoTIFF, GeoTIFFImage } from "geotiff";
import type { ReferenceSet } from "../../refs/model/index.js";
import { type OpenSource, readArray } from "../../refs/store/index.js";
import type { DirectFile } from "./direct-read.js";
import type { Finding } from "./report.js";

const COORDINATE = /^([XY])(\d*)$/;
const GRID_MAPPING = "spatial_ref";
/** GeoKey value for a user-defined (not EPSG-coded) CRS. */
const USER_DEFINED = 32767;

/** A finding for a generated coordinate array of a TIFF, or undefined when `path` is not one. */
export async function checkTiffCoordinates(
  refs: ReferenceSet,
  path: string,
  file: string,
  direct: DirectFile,
  open: OpenSource,
): Promise<Finding | undefined> {
  if (!direct.tiff) return undefined;
  const attrs = refs.metadata.get(`${path}/.zattrs`) ?? {};
  const finding = (status: Finding["status"], detail: string): Finding => ({
    status,
    subject: path,
    file,
    detail,
  });
  const axis = COORDINATE.exec(path);
  if (axis && attrs.axis === axis[1]) {
    const ours = (await readArray(refs, path, { open })).data as Float64Array;
    const expected = await expectedCentres(direct.tiff, axis[1] as "X" | "Y", Number(axis[2] || 0));
    if (typeof expected === "string")
      return finding("failure", `${axis[1]} coordinates written, but ${expected}`);
    return compareCentres(ours, expected, finding);
  }
  if (path === GRID_MAPPING && (attrs.crs_wkt !== undefined || attrs.epsg !== undefined)) {
    const first = await direct.tiff.getImage(0);
    return checkCrs(attrs, first.getGeoKeys() ?? {}, finding);
  }
  return undefined;
}

/** Pixel centres along one axis of one level, from the full image's transform (a level spans the same extent). */
async function expectedCentres(
  tiff: GeoTIFF,
  axis: "X" | "Y",
  level: number,
): Promise<Float64Array | string> {
  const images: GeoTIFFImage[] = [];
  for (let i = 0; i < (await tiff.getImageCount()); i++) {
    const image = await tiff.getImage(i);
    if ((Number(image.fileDirectory.getValue("NewSubfileType") ?? 0) & 4) === 0) images.push(image);
  }
  const full = images[0];
  const image = images[level];
  if (!full || !image) return `the file has no image ${level}`;
  let origin: number[];
  let resolution: number[];
  try {
    origin = full.getOrigin();
    resolution = full.getResolution();
  } catch (error) {
    return `geotiff.js finds no transform: ${(error as Error).message}`;
  }
  const d = axis === "X" ? 0 : 1;
  // geotiff.js takes the tiepoint as the corner of pixel (0, 0): move it when it names another raster point
  const tie = full.fileDirectory.getValue("ModelTiepoint") as number[] | undefined;
  const tiePixel = tie && tie.length >= 6 ? (tie[d] ?? 0) : 0;
  // PixelIsPoint: the transform names pixel centres (GDAL's reading, which rioxarray follows)
  const pointShift = full.getGeoKeys()?.GTRasterTypeGeoKey === 2 ? 0.5 : 0;
  // the spec's matrix row as it is: geotiff.js negates its y step, assuming north-up, which a bottom-up grid is not
  const matrix = full.fileDirectory.getValue("ModelTransformation") as number[] | undefined;
  const step =
    matrix && !(tie && tie.length >= 6) ? (matrix[d === 0 ? 0 : 5] as number) : (resolution[d] as number);
  const corner = (origin[d] as number) - (tiePixel + pointShift) * step;
  const fullLength = axis === "X" ? full.getWidth() : full.getHeight();
  const length = axis === "X" ? image.getWidth() : image.getHeight();
  const levelStep = (step * fullLength) / length;
  return Float64Array.from({ length }, (_, i) => corner + (i + 0.5) * levelStep);
}

function compareCentres(
  ours: Float64Array,
  expected: Float64Array,
  finding: (status: Finding["status"], detail: string) => Finding,
): Finding {
  // a millionth of a pixel: both are float64 sums of the same few terms
  const tolerance = Math.abs((expected[1] ?? 0) - (expected[0] ?? 0)) * 1e-6 || 1e-9;
  const near = (a: number | undefined, b: number | undefined) =>
    Math.abs((a as number) - (b as number)) <= tolerance;
  // combined along this axis (a mosaic), the file's coordinates are one run of the combined ones
  const start = ours.length === expected.length ? 0 : ours.findIndex((v) => near(v, expected[0]));
  if (start < 0 || start + expected.length > ours.length)
    return finding(
      "failure",
      `the ${ours.length} coordinates do not hold the GeoTIFF transform's ${expected.length} pixel centres (first ${expected[0]})`,
    );
  for (let i = 0; i < expected.length; i++) {
    if (!near(ours[start + i], expected[i]))
      return finding(
        "failure",
        `coordinate ${start + i} is ${ours[start + i]}, the GeoTIFF transform gives ${expected[i]}`,
      );
  }
  const where =
    ours.length === expected.length ? "" : ` (${start}..${start + expected.length - 1} of ${ours.length})`;
  return finding(
    "success",
    `${expected.length} coordinates equal the GeoTIFF transform's pixel centres${where}`,
  );
}

function checkCrs(
  attrs: Record<string, unknown>,
  geoKeys: Record<string, unknown>,
  finding: (status: Finding["status"], detail: string) => Finding,
): Finding {
  const projected = Number(geoKeys.ProjectedCSTypeGeoKey ?? 0);
  const geographic = Number(geoKeys.GeographicTypeGeoKey ?? 0);
  const code =
    projected > 0 ? projected : geoKeys.GTModelTypeGeoKey === 2 ? geographic : projected || geographic;
  if (code > 0 && code !== USER_DEFINED) {
    if (attrs.epsg === code) return finding("success", `EPSG:${code}, as the GeoKeys say`);
    return finding("failure", `spatial_ref says EPSG:${String(attrs.epsg)}, the GeoKeys say EPSG:${code}`);
  }
  // user-defined: the CRS was built from the other GeoKeys; it must at least be described
  if (typeof attrs.crs_wkt === "string" && attrs.crs_wkt.length > 0)
    return finding("success", "user-defined CRS in the GeoKeys; spatial_ref carries its WKT");
  return finding("failure", "the GeoKeys define a CRS but spatial_ref has no WKT");
}
