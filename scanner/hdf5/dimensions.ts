import { Cursor } from "./cursor.js";
import type { HdfFile } from "./file.js";
import type { GlobalHeaps } from "./global-heap.js";
import type { RawAttribute } from "./messages/attribute.js";
import { fixedString, type ValueDecoder } from "./values.js";

/** Whether the attributes mark the dataset as an HDF5 dimension scale (CLASS = "DIMENSION_SCALE"). */
export function isDimensionScale(attrs: RawAttribute[]): boolean {
  const cls = attrs.find((a) => a.name === "CLASS");
  return cls?.type.kind === "string" && fixedString(cls.data, 0) === "DIMENSION_SCALE";
}

/** Integer values of a netCDF-4 bookkeeping attribute (_Netcdf4Dimid, _Netcdf4Coordinates), if it holds integers. */
export async function integerAttribute(
  attrs: RawAttribute[],
  name: string,
  decoder: ValueDecoder,
  object: string,
): Promise<number[] | undefined> {
  const a = attrs.find((x) => x.name === name);
  if (a?.type.kind !== "int" || a.space.isNull) return undefined;
  const count = a.space.shape.reduce((x, y) => x * y, 1);
  const values = await decoder.decode(a.type, a.data, count, object);
  return values.map((v) => Number(v));
}

/**
 * netCDF-4 dimension ids -> the path of the dimension scale that carries that `_Netcdf4Dimid` (ids are unique in
 * a file written by netCDF-C; on a clash the first scale in walk order wins).
 */
export async function dimensionIds(
  scales: Array<{ path: string; attrs: RawAttribute[] }>,
  decoder: ValueDecoder,
): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const s of scales) {
    if (!isDimensionScale(s.attrs)) continue;
    // A corrupt id only costs the name: the axis falls back to its scale or a phony name.
    const id = (
      await integerAttribute(s.attrs, "_Netcdf4Dimid", decoder, `/${s.path}`).catch(() => undefined)
    )?.[0];
    if (id !== undefined && !out.has(id)) out.set(id, s.path);
  }
  return out;
}

/** Object header addresses of the scales attached to each dimension (from the DIMENSION_LIST attribute). */
async function attachedScales(
  file: HdfFile,
  heaps: GlobalHeaps,
  attrs: RawAttribute[],
  rank: number,
  object: string,
): Promise<number[][]> {
  const list = attrs.find((a) => a.name === "DIMENSION_LIST");
  const out: number[][] = Array.from({ length: rank }, () => []);
  if (list?.type.kind !== "vlen" || list.type.base.kind !== "reference") return out;
  const refSize = list.type.base.size;
  const c = new Cursor(list.data, 0, file.offsetSize, file.lengthSize);
  const n = Math.min(rank, list.space.shape[0] ?? 0);
  for (let d = 0; d < n; d++) {
    const length = c.u32();
    const address = c.address();
    const index = c.u32();
    if (length === 0 || address <= 0) continue;
    const bytes = await heaps.get(address, index, object);
    const refs = new Cursor(bytes, 0, refSize, file.lengthSize);
    for (let i = 0; i < length; i++) out[d]?.push(refs.address());
  }
  return out;
}

export interface DimensionLookup {
  file: HdfFile;
  heaps: GlobalHeaps;
  decoder: ValueDecoder;
  /** Path (no leading "/") of the object whose header is at this address. */
  pathOf: (address: number) => string | undefined;
  /** netCDF-4 dimension id -> path of its dimension scale. */
  dimensionIds: Map<number, string>;
}

/**
 * _ARRAY_DIMENSIONS, per axis, as netCDF-C and h5netcdf name dimensions (paths as kerchunk writes them):
 * 1. the scale attached to the axis in DIMENSION_LIST; with several, the last one (netCDF-C's H5DSiterate_scales
 *    visitor keeps overwriting, h5netcdf takes ref[-1]);
 * 2. the dimension id that `_Netcdf4Coordinates` gives for the axis, named through the scales' `_Netcdf4Dimid`
 *    (netCDF-C writes no DIMENSION_LIST on a multi-dimensional coordinate variable, only these ids);
 * 3. for a dataset that is itself a dimension scale, its own path on axis 0, the axis netCDF-C makes it the scale of;
 * 4. else phony_dim_<axis> (kerchunk's name; phony-dims.ts renames clashes).
 * kerchunk instead repeats a scale's own name on every axis (a 2-D `z(z, string3)` becomes ["z","z"], which
 * xarray refuses) and raises on two scales on one axis.
 */
export async function arrayDimensions(
  lookup: DimensionLookup,
  attrs: RawAttribute[],
  shape: readonly number[],
  path: string,
): Promise<string[]> {
  const object = `/${path}`;
  const scales = await attachedScales(lookup.file, lookup.heaps, attrs, shape.length, object);
  const coords = await integerAttribute(attrs, "_Netcdf4Coordinates", lookup.decoder, object);
  const selfScale = isDimensionScale(attrs);
  return shape.map((_, d) => {
    const attached = (scales[d] ?? []).map(lookup.pathOf).filter((p): p is string => p !== undefined);
    if (attached.length > 0) return attached[attached.length - 1] as string;
    if (coords?.length === shape.length) {
      const named = lookup.dimensionIds.get(coords[d] as number);
      if (named !== undefined) return named;
    }
    if (selfScale && d === 0) return path;
    return `phony_dim_${d}`;
  });
}
