import { registerErrors } from "../../../refs/errors.js";
import type { Cursor } from "../cursor.js";

/** How a dataset's chunks are indexed (layout message version 4, plus version 1 B-trees of older versions). */
export type ChunkIndexInfo =
  | { type: "btree-v1" }
  | { type: "single"; filteredSize?: number; filterMask?: number }
  | { type: "implicit" }
  | { type: "fixed-array"; pageBits: number }
  | {
      type: "extensible-array";
      maxBits: number;
      indexElements: number;
      minPointers: number;
      minElements: number;
      pageBits: number;
    }
  | { type: "btree-v2"; nodeSize: number };

export type Layout =
  | { kind: "compact"; data: Uint8Array; dataOffset: number }
  | { kind: "contiguous"; address: number; size: number }
  | {
      kind: "chunked";
      address: number;
      chunk: number[];
      elementSize: number;
      index: ChunkIndexInfo;
      singleIndexWithFilter: boolean;
    }
  | { kind: "virtual" };

/** Most dimensions a layout message may list: HDF5's 32 dataspace dimensions plus the element size. */
const MAX_LAYOUT_DIMS = 33;

/** Layout message problem: what the message says and what was expected (the caller names file and offset). */
export class LayoutError extends RangeError {}

/**
 * Parse a data layout message. `storageBytes` is the dataset's size in bytes (elements x datatype size): versions
 * 1 and 2 store no size for contiguous data (the library derives it so, since 32-bit dimensions could overflow).
 */
export function parseLayout(c: Cursor, storageBytes: number): Layout {
  const version = c.u8();
  if (version === 1 || version === 2) return parseOld(c, version, storageBytes);
  if (version !== 3 && version !== 4 && version !== 5)
    throw new LayoutError(`layout message version ${version}, expected 1 to 5`);
  const cls = c.u8();
  if (cls === 0) {
    const size = c.u16();
    const dataOffset = c.fileOffset;
    return { kind: "compact", data: c.take(size), dataOffset };
  }
  if (cls === 1) return { kind: "contiguous", address: c.address(), size: c.length() };
  if (cls === 3) return { kind: "virtual" };
  if (cls !== 2)
    throw new LayoutError(`layout message version ${version}: layout class ${cls}, expected 0 to 3`);
  if (version === 3) {
    const rank = checkedRank(c.u8(), version);
    const address = c.address();
    const dims: number[] = [];
    for (let i = 0; i < rank; i++) dims.push(c.u32());
    // The last "dimension" is the element size.
    const elementSize = dims[rank - 1] ?? 0;
    return {
      kind: "chunked",
      address,
      chunk: dims.slice(0, -1),
      elementSize,
      index: { type: "btree-v1" },
      singleIndexWithFilter: false,
    };
  }
  const flags = c.u8();
  const rank = checkedRank(c.u8(), version);
  const dimBytes = c.u8();
  if (dimBytes < 1 || dimBytes > 8)
    throw new LayoutError(`layout message: dimension size of ${dimBytes} bytes, expected 1 to 8`);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(c.count(dimBytes));
  const indexType = c.u8();
  let index: ChunkIndexInfo;
  switch (indexType) {
    case 1:
      index =
        flags & 2 ? { type: "single", filteredSize: c.length(), filterMask: c.u32() } : { type: "single" };
      break;
    case 2:
      index = { type: "implicit" };
      break;
    case 3:
      index = { type: "fixed-array", pageBits: c.u8() };
      break;
    case 4:
      index = {
        type: "extensible-array",
        maxBits: c.u8(),
        indexElements: c.u8(),
        minPointers: c.u8(),
        minElements: c.u8(),
        pageBits: c.u8(),
      };
      break;
    case 5: {
      const nodeSize = c.u32();
      c.skip(2);
      index = { type: "btree-v2", nodeSize };
      break;
    }
    default:
      throw new LayoutError(
        `layout message version ${version}: chunk index type ${indexType}, expected 1 to 5`,
      );
  }
  const address = c.address();
  // Version 4 stores the element size as the last "dimension" too.
  return {
    kind: "chunked",
    address,
    chunk: dims.slice(0, -1),
    elementSize: dims[dims.length - 1] ?? 0,
    index,
    singleIndexWithFilter: (flags & 2) !== 0,
  };
}

function checkedRank(rank: number, version: number): number {
  if (rank < 2 || rank > MAX_LAYOUT_DIMS)
    throw new LayoutError(
      `layout message version ${version}: ${rank} dimensions, expected 2 to ${MAX_LAYOUT_DIMS} (the last is the element size)`,
    );
  return rank;
}

/**
 * Layout message versions 1 and 2 (HDF5 1.4-1.6 era files, e.g. HDF-EOS5): version, dimensionality, class,
 * five reserved bytes, the address (absent for compact data), then `dimensionality` 32-bit sizes of which the
 * last is the element size (there is no separate element-size field), then for compact data a 32-bit size and
 * the data. Contiguous data has no size field: it is the dataset's size.
 */
function parseOld(c: Cursor, version: number, storageBytes: number): Layout {
  const rank = c.u8();
  if (rank < 1 || rank > MAX_LAYOUT_DIMS)
    throw new LayoutError(
      `layout message version ${version}: dimensionality ${rank}, expected 1 to ${MAX_LAYOUT_DIMS}`,
    );
  const cls = c.u8();
  if (cls > 2)
    throw new LayoutError(`layout message version ${version}: layout class ${cls}, expected 0 to 2`);
  c.skip(5);
  const address = cls !== 0 ? c.address() : -1;
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(c.u32());
  if (cls === 2) {
    if (rank < 2)
      throw new LayoutError(
        `layout message version ${version}: chunked layout with ${rank} dimension, expected at least 2 (the last is the element size)`,
      );
    return {
      kind: "chunked",
      address,
      chunk: dims.slice(0, -1),
      elementSize: dims[rank - 1] as number,
      index: { type: "btree-v1" },
      singleIndexWithFilter: false,
    };
  }
  if (cls === 0) {
    const size = c.u32();
    const dataOffset = c.fileOffset;
    return { kind: "compact", data: c.take(size), dataOffset };
  }
  return { kind: "contiguous", address, size: storageBytes };
}

registerErrors({ LayoutError });
