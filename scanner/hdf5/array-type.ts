import type { DatasetInfo } from "./dataset.js";
import type { Datatype } from "./messages/datatype.js";

/** How a dataset appears in Zarr: HDF5 array elements become trailing axes, as numpy (and so h5py) gives them. */
export interface ZarrView {
  type: Datatype;
  shape: number[];
  /** Chunk shape, or undefined for unchunked layouts (one chunk of the whole shape). */
  chunks: number[] | undefined;
  dims: string[];
  /** Fill value bytes of one element of `type`; undefined when the file stores none. */
  fill: Uint8Array | undefined;
  /** Set when an array type's fill value differs between its elements (Zarr has one fill value per array). */
  mixedFill: boolean;
}

/**
 * A dataset of an HDF5 array type (`int64[3][5]` per element) holds the same bytes as a dataset of the base type
 * with the element's dimensions appended, so its chunks can be referenced as they are: shape (4,) of [3][5]
 * becomes (4, 3, 5), chunks gain the full element dims, and the added axes get phony names.
 */
export function zarrView(info: DatasetInfo, dims: string[]): ZarrView {
  let type = info.type;
  const extra: number[] = [];
  while (type.kind === "array") {
    extra.push(...type.dims);
    type = type.base;
  }
  const layout = info.layout;
  const chunks = layout.kind === "chunked" ? [...layout.chunk, ...extra] : undefined;
  const rank = info.space.shape.length;
  const fill = info.fill.value;
  let first = fill;
  let mixedFill = false;
  if (extra.length > 0 && fill !== undefined) {
    first = fill.subarray(0, type.size);
    for (let at = type.size; at + type.size <= fill.length && !mixedFill; at += type.size)
      mixedFill = fill.subarray(at, at + type.size).some((b, i) => b !== first?.[i]);
  }
  return {
    type,
    shape: [...info.space.shape, ...extra],
    chunks,
    dims: [...dims, ...extra.map((_, i) => `phony_dim_${rank + i}`)],
    fill: first,
    mixedFill,
  };
}
