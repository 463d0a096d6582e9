/**
 * Whether an array's Zarr fill_value marks missing data. NetCDF-3, NetCDF-4 and HDF5 references carry the
 * source's _FillValue / missing_value there (kerchunk moves them out of the attributes), or NetCDF's default fill,
 * which CF counts as missing too. A GeoTIFF's fill_value is GDAL_NODATA when the file has one and 0 when it has
 * none, so there it says nothing by itself: the TIFF scanner records a declared nodata in the `nodata` attribute
 * (which the decoder reads like _FillValue). References of TIFFs made before that attribute existed keep the old
 * reading of a non-zero fill_value, which can only have come from GDAL_NODATA.
 */
import type { JsonObject, JsonValue, ReferenceSet } from "../../refs/model/index.js";

/** GeoKey directory attributes: tifffile (so kerchunk and our scanner) writes them on GeoTIFF arrays or groups. */
const GEOTIFF_KEYS = ["KeyDirectoryVersion", "GTModelTypeGeoKey", "GTRasterTypeGeoKey"];
/** Attributes that declare missing values themselves. */
const MISSING_ATTRIBUTES = ["_FillValue", "missing_value", "nodata", "_nodata", "GDAL_NODATA"];

export function fillValueMarksMissing(
  refs: ReferenceSet,
  path: string,
  attrs: JsonObject,
  fillValue: JsonValue,
): boolean {
  if (fillValue === null || fillValue === undefined) return false;
  if (!isGeoTiff(refs, path, attrs)) return true;
  if (MISSING_ATTRIBUTES.some((k) => attrs[k] !== undefined)) return false;
  const v = typeof fillValue === "string" ? Number(fillValue) : fillValue;
  return typeof v === "number" && v !== 0;
}

/** The array or one of the groups holding it carries GeoTIFF GeoKeys. */
function isGeoTiff(refs: ReferenceSet, path: string, attrs: JsonObject): boolean {
  const holders = [attrs];
  const parts = path.split("/");
  for (let n = parts.length - 1; n >= 0; n--) {
    const group = parts.slice(0, n).join("/");
    const a = refs.metadata.get(group ? `${group}/.zattrs` : ".zattrs");
    if (a) holders.push(a);
  }
  return holders.some((a) => GEOTIFF_KEYS.some((k) => a[k] !== undefined));
}
