/**
 * Extra arrays a reader needs for georeferencing (kerchunk writes none): per level, X and Y pixel-centre
 * coordinates inlined as little-endian float64; and a CF grid-mapping variable `spatial_ref` carrying the CRS
 * (crs_wkt / spatial_ref as rioxarray reads them, plus the EPSG code and a proj4 string).
 */
import { ChunkTable, type JsonObject, type ReferenceSet } from "../../refs/model/index.js";
import type { Crs } from "./crs.js";
import { centres, type GridTransform } from "./georef.js";

function inlineArray(refs: ReferenceSet, name: string, values: Float64Array, attrs: JsonObject): void {
  refs.metadata.set(`${name}/.zarray`, {
    chunks: [values.length],
    compressor: null,
    dtype: "<f8",
    fill_value: "NaN",
    filters: null,
    order: "C",
    shape: [values.length],
    zarr_format: 2,
  });
  refs.metadata.set(`${name}/.zattrs`, { _ARRAY_DIMENSIONS: [name], ...attrs });
  const table = new ChunkTable([1]);
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i] as number, true);
  table.set(0, { kind: "inline", data: bytes });
  refs.arrays.set(name, table);
}

export function addCoordinates(
  refs: ReferenceSet,
  dims: [string, string],
  size: { width: number; height: number },
  full: { width: number; height: number },
  t: GridTransform,
  crs: Crs | undefined,
): void {
  const [ydim, xdim] = dims;
  const geographic = crs?.geographic === true;
  const units = geographic ? ["degrees_east", "degrees_north"] : ["metre", "metre"];
  const names = geographic
    ? ["longitude", "latitude"]
    : ["projection_x_coordinate", "projection_y_coordinate"];
  inlineArray(refs, xdim, centres(t.x0, t.dx, full.width, size.width), {
    axis: "X",
    standard_name: names[0] as string,
    units: units[0] as string,
  });
  inlineArray(refs, ydim, centres(t.y0, t.dy, full.height, size.height), {
    axis: "Y",
    standard_name: names[1] as string,
    units: units[1] as string,
  });
}

export const GRID_MAPPING = "spatial_ref";

export function addGridMapping(refs: ReferenceSet, crs: Crs): void {
  const attrs: JsonObject = { _ARRAY_DIMENSIONS: [] };
  if (crs.wkt) {
    attrs.crs_wkt = crs.wkt;
    attrs.spatial_ref = crs.wkt;
  }
  if (crs.epsg !== undefined) attrs.epsg = crs.epsg;
  // what compute/grid/crs.ts (and pyproj's CRS.from_proj4) read first
  if (crs.proj4) attrs.proj4 = crs.proj4;
  refs.metadata.set(`${GRID_MAPPING}/.zarray`, {
    chunks: [],
    compressor: null,
    dtype: "<i4",
    fill_value: 0,
    filters: null,
    order: "C",
    shape: [],
    zarr_format: 2,
  });
  refs.metadata.set(`${GRID_MAPPING}/.zattrs`, attrs);
  const table = new ChunkTable([]);
  table.set(0, { kind: "inline", data: new Uint8Array(4) });
  refs.arrays.set(GRID_MAPPING, table);
}
