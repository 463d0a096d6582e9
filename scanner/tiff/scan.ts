/**
 * GeoTIFF/COG scanner: every IFD through geotiff.js (tags and tile tables only), one Zarr array per image level
 * as tifffile/kerchunk name them ("0", "1", ... in a multiscale group, or the root array for a single image),
 * masks as `mask_<level>`, and by default x/y coordinates and a CF grid mapping so readers get georeferencing.
 */
import { GeoTIFF, type GeoTIFFImage } from "geotiff";
import type { JsonObject, ReferenceSet } from "../../refs/model/index.js";
import type { ByteSource } from "../../refs/storage/index.js";
import type { ScanBudget } from "../budget.js";
import { FormatError, UnsupportedFeatureError } from "../errors.js";
import type { ScanIssue, ScanOptions, ScanResult } from "../types.js";
import { gdalMetadataItems, geoKeyAttributes, ghostAttributes, modelTagAttributes } from "./attributes.js";
import { chunkTable } from "./chunk-table.js";
import { UnsupportedCompression } from "./compression.js";
import { addCoordinates, addGridMapping, GRID_MAPPING } from "./coordinates.js";
import { crsOf } from "./crs.js";
import { gridTransform } from "./georef.js";
import { type IfdInfo, readIfd } from "./ifd.js";
import { checkIfd } from "./ifd-checks.js";
import { type ArrayLayout, arrayLayout, fillFromNodata, levelDims } from "./layout.js";
import { geotiffSource } from "./source.js";
import { overlapChecker, readStructure, tagName } from "./structure.js";

/** `inlineThreshold` defaults to 0 here (kerchunk's tiff_to_zarr inlines nothing either). */
export interface TiffScanOptions extends ScanOptions {
  /** Add X/Y coordinate arrays and a `spatial_ref` grid mapping (default true; always makes a group). */
  coordinates?: boolean;
  /** Add mask IFDs as `mask_<level>` arrays (default true). */
  masks?: boolean;
}

const isMask = (ifd: IfdInfo) => (ifd.subfileType & 4) !== 0;

async function openTiff(url: string, source: ByteSource, budget?: ScanBudget) {
  const { geotiff, cached, size } = await geotiffSource(source, budget);
  const structure = await readStructure(cached, url, size);
  const tiff = await GeoTIFF.fromSource(geotiff as never).catch((error: unknown) => {
    throw new FormatError(url, "header", `geotiff.js cannot read the header: ${messageOf(error)}`, 0, {
      cause: error,
    });
  });
  const images: GeoTIFFImage[] = [];
  const ifds: IfdInfo[] = [];
  for (const [i, at] of structure.ifds.entries()) {
    let ifd: IfdInfo;
    try {
      const image = await tiff.getImage(i);
      images.push(image);
      ifd = await readIfd(image, i);
    } catch (error) {
      if (error instanceof FormatError) throw error;
      throw new FormatError(url, `IFD ${i}`, `geotiff.js cannot read its tags: ${messageOf(error)}`, at, {
        cause: error,
      });
    }
    checkIfd(ifd, url);
    ifds.push(ifd);
  }
  return { tiff, images, ifds, cached, size, structure };
}

/** Tag values geotiff.js interprets (GeoKeys) that it cannot: a FormatError naming the IFD and tag. */
function tagsOrFail<T>(url: string, ifd: number, tag: number, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new FormatError(
      url,
      `IFD ${ifd}, ${tagName(tag)}`,
      `cannot be read: ${messageOf(error)}`,
      undefined,
      {
        cause: error,
      },
    );
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

function zarray(layout: ArrayLayout, fill: JsonObject[string]): JsonObject {
  return {
    chunks: layout.chunks,
    compressor: layout.codecs.compressor,
    dtype: layout.dtype,
    fill_value: fill,
    filters: layout.codecs.filters,
    order: "C",
    shape: layout.shape,
    zarr_format: 2,
  };
}

export async function scanTiff(
  source: ByteSource,
  url: string,
  options: TiffScanOptions = {},
): Promise<ScanResult> {
  const { tiff, images, ifds, cached, size, structure } = await openTiff(url, source, options.budget);
  const issues: ScanIssue[] = [];
  const levels = ifds.filter((i) => !isMask(i));
  const masks = options.masks === false ? [] : ifds.filter(isMask);
  const first = levels[0];
  const firstImage = first ? images[first.index] : undefined;
  if (!first || !firstImage) throw new FormatError(url, "", "TIFF has no image IFD");
  const wantCoords = options.coordinates !== false;
  const grouped = levels.length > 1 || wantCoords || masks.length > 0;
  const geoKeys = tagsOrFail(url, first.index, 34735, () => geoKeyAttributes(firstImage));
  // Like tifffile, model tags count as GeoTIFF metadata only beside a GeoKey directory.
  const modelTags = Object.keys(geoKeys).length > 0 ? modelTagAttributes(firstImage) : {};
  const fileAttrs: JsonObject = {
    ...gdalMetadataItems(first.gdalMetadata),
    ...(await ghostAttributes(tiff)),
    ...geoKeys,
    ...modelTags,
  };
  const crs = crsOf(geoKeys);
  if (!crs && Object.keys(geoKeys).length > 0) {
    issues.push({
      object: "/",
      feature: "crs",
      message: `${url}: user-defined CRS that neither an ESRI WKT nor the GeoKeys describe fully (missing geographic part, or a coordinate transformation not built: see geokeys-crs.ts): no spatial_ref written (GeoKeys are kept as attributes)`,
    });
  }
  const transform = gridTransform(modelTags, geoKeys);
  const refs: ReferenceSet = { metadata: new Map(), arrays: new Map() };
  // Tiles are data, not metadata: inline only when asked, so a default remote scan reads headers only.
  const overlaps = overlapChecker(structure.metadata);
  const ctx = {
    cached,
    size,
    inline: options.inlineThreshold ?? 0,
    issues,
    overlaps,
    ...(options.budget ? { budget: options.budget } : {}),
  };
  const littleEndian = tiff.littleEndian;

  const addArray = async (path: string, ifd: IfdInfo, level: number, attrs: JsonObject, mask: boolean) => {
    let layout: ArrayLayout;
    try {
      layout = arrayLayout(ifd, level, littleEndian);
    } catch (error) {
      if (!(error instanceof UnsupportedCompression)) throw error;
      const problem = new UnsupportedFeatureError(url, path || "/", `${error.feature} in IFD ${ifd.index}`);
      if ((options.onError ?? "raise") === "raise") throw problem;
      issues.push({ object: path || "/", feature: error.feature, message: problem.message });
      return false;
    }
    const prefix = path ? `${path}/` : "";
    const fill = mask ? 0 : fillFromNodata(ifd.nodata, layout.dtype);
    // fill_value is 0 without GDAL_NODATA too: beside kerchunk's attributes (coordinates on), say which it is
    const nodata: JsonObject = !mask && wantCoords && ifd.nodata?.trim() ? { nodata: fill } : {};
    refs.metadata.set(`${prefix}.zarray`, zarray(layout, fill));
    refs.metadata.set(`${prefix}.zattrs`, { _ARRAY_DIMENSIONS: layout.dims, ...attrs, ...nodata });
    refs.arrays.set(path, await chunkTable(url, path, ifd, layout, ctx));
    return true;
  };

  const useCoords = wantCoords && transform.ok;
  if (wantCoords && !transform.ok) {
    issues.push({
      object: "/",
      feature: "coordinates",
      message: `${url}: no x/y coordinates: ${transform.reason}`,
    });
  }
  const gridMapping: JsonObject = useCoords && crs ? { grid_mapping: GRID_MAPPING } : {};
  const paths: string[] = [];
  for (const [level, ifd] of levels.entries()) {
    const path = grouped ? String(level) : "";
    const attrs = levels.length > 1 ? gridMapping : { ...fileAttrs, ...gridMapping };
    if (await addArray(path, ifd, level, attrs, false)) paths.push(path);
    if (useCoords && transform.ok)
      addCoordinates(refs, levelDims(level), ifd, first, transform.transform, crs);
  }
  for (const ifd of masks) {
    const level = levels.findIndex((l) => l.width === ifd.width && l.height === ifd.height);
    if (level < 0) {
      issues.push({
        object: "/",
        feature: "mask",
        message: `${url}: mask IFD ${ifd.index} matches no image level`,
      });
      continue;
    }
    await addArray(`mask_${level}`, ifd, level, {}, true);
  }
  if (useCoords && crs) addGridMapping(refs, crs);
  if (grouped) {
    refs.metadata.set(".zgroup", { zarr_format: 2 });
    const multiscales = [
      { datasets: paths.map((path) => ({ path })), metadata: {}, name: "", version: "0.1" },
    ];
    refs.metadata.set(".zattrs", levels.length > 1 ? { multiscales, ...fileAttrs } : {});
  }
  return { refs, issues };
}
