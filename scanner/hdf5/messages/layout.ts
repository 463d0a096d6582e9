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

export function parseLayout(c: Cursor): Layout {
  const version = c.u8();
  if (version <= 2) return parseOld(c);
  const cls = c.u8();
  if (cls === 0) {
    const size = c.u16();
    const dataOffset = c.fileOffset;
    return { kind: "compact", data: c.take(size), dataOffset };
  }
  if (cls === 1) return { kind: "contiguous", address: c.address(), size: c.length() };
  if (cls === 3) return { kind: "virtual" };
  if (cls !== 2) throw new RangeError(`unknown layout class ${cls}`);
  if (version === 3) {
    const rank = c.u8();
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
  const rank = c.u8();
  const dimBytes = c.u8();
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
      throw new RangeError(`unknown chunk index type ${indexType}`);
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

/** Layout message versions 1 and 2. */
function parseOld(c: Cursor): Layout {
  const rank = c.u8();
  const cls = c.u8();
  c.skip(5);
  const address = cls !== 0 ? c.address() : -1;
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(c.u32());
  if (cls === 2) {
    const elementSize = c.u32();
    return {
      kind: "chunked",
      address,
      chunk: dims.slice(0, -1),
      elementSize,
      index: { type: "btree-v1" },
      singleIndexWithFilter: false,
    };
  }
  if (cls === 0) {
    const size = c.u32();
    const dataOffset = c.fileOffset;
    return { kind: "compact", data: c.take(size), dataOffset };
  }
  const size = dims.reduce((a, b) => a * b, 1);
  return { kind: "contiguous", address, size };
}
