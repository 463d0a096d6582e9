import { UnsupportedFeatureError } from "../errors.js";
import { Cursor } from "./cursor.js";
import type { HdfFile } from "./file.js";
import type { GlobalHeaps } from "./global-heap.js";
import type { RawAttribute } from "./messages/attribute.js";
import { fixedString } from "./values.js";

/** Whether the attributes mark the dataset as an HDF5 dimension scale (CLASS = "DIMENSION_SCALE"). */
export function isDimensionScale(attrs: RawAttribute[]): boolean {
  const cls = attrs.find((a) => a.name === "CLASS");
  return cls?.type.kind === "string" && fixedString(cls.data, 0) === "DIMENSION_SCALE";
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

/**
 * _ARRAY_DIMENSIONS as kerchunk computes it: per dimension the one attached scale's path, the dataset's own
 * path when it is itself a scale, else phony_dim_<axis>. More than one scale on a dimension is an error.
 */
export async function arrayDimensions(
  file: HdfFile,
  heaps: GlobalHeaps,
  attrs: RawAttribute[],
  shape: readonly number[],
  path: string,
  pathOf: (address: number) => string | undefined,
): Promise<string[]> {
  const scales = await attachedScales(file, heaps, attrs, shape.length, `/${path}`);
  const selfScale = isDimensionScale(attrs);
  return shape.map((_, d) => {
    const attached = scales[d] ?? [];
    if (attached.length === 1) {
      const target = pathOf(attached[0] as number);
      if (target !== undefined) return target;
    }
    if (selfScale) return path;
    if (attached.length > 1) {
      throw new UnsupportedFeatureError(
        file.url,
        `/${path}`,
        `${attached.length} dimension scales attached to dimension ${d}`,
      );
    }
    return `phony_dim_${d}`;
  });
}
