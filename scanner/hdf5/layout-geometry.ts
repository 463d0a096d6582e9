/**
 * A dataset's sizes checked against each other and the file before anything is allocated or referenced: the
 * chunk shape against the dataspace (as the HDF5 library refuses at creation), the element size against the
 * datatype, the data size against the file. A corrupt dimension then fails the object instead of becoming
 * references that cannot be decoded or a chunk grid that exhausts memory.
 */
import { FormatError } from "../errors.js";
import { gridOf, MAX_CHUNKS } from "./chunk-index/types.js";
import type { DatasetInfo } from "./dataset.js";

/** HDF5 keeps a chunk's size in 32 bits. */
const MAX_CHUNK_BYTES = 2 ** 32 - 1;

export function checkLayoutGeometry(info: DatasetInfo, url: string, object: string, fileSize: number): void {
  const { layout, space, type } = info;
  const fail = (what: string, offset: number) => {
    throw new FormatError(url, object, what, offset);
  };
  const at = info.offsets.layout;
  if (layout.kind === "chunked") {
    const chunks = layout.chunk;
    const rank = space.shape.length;
    if (chunks.length !== rank)
      fail(
        `layout message: chunk shape ${chunks.join("x")} has ${chunks.length} dimensions, expected ${rank} as the dataspace`,
        at,
      );
    chunks.forEach((c, d) => {
      if (c < 1) fail(`layout message: chunk dimension ${d} is ${c}, expected at least 1`, at);
      const max = space.maxShape[d] as number;
      const current = space.shape[d] as number;
      if (max >= 0 && current > 0 && c > max)
        fail(
          `layout message: chunk dimension ${d} is ${c}, expected at most ${max} (the dataspace's fixed size ${space.shape.join("x")})`,
          at,
        );
    });
    if (layout.elementSize !== type.size)
      fail(
        `layout message: element size ${layout.elementSize} bytes, expected the datatype's ${type.size}`,
        at,
      );
    const chunkBytes = chunks.reduce((a, b) => a * b, 1) * type.size;
    if (chunkBytes > MAX_CHUNK_BYTES)
      fail(`layout message: chunk of ${chunkBytes} bytes, expected at most ${MAX_CHUNK_BYTES}`, at);
  }
  const chunks = layout.kind === "chunked" ? layout.chunk : space.shape.map(() => 1);
  const grid = layout.kind === "chunked" ? gridOf(space.shape, chunks).reduce((a, b) => a * b, 1) : 1;
  const elements = space.shape.reduce((a, b) => a * b, 1);
  const bytes = elements * type.size;
  if (!Number.isSafeInteger(elements) || elements > 2 ** 40 || grid > MAX_CHUNKS)
    fail(
      `dataspace message: shape ${space.shape.join("x")} (${grid} chunks) is implausible, expected at most 2^40 elements in at most ${MAX_CHUNKS} chunks`,
      info.offsets.space,
    );
  // as the HDF5 library checks on open: the compact data are exactly the dataset's size
  if (layout.kind === "compact" && bytes !== layout.data.length)
    fail(
      `layout message: compact data of ${layout.data.length} bytes, expected ${bytes} for shape ${space.shape.join("x")}`,
      at,
    );
  if (layout.kind === "contiguous" && layout.address >= 0 && bytes > fileSize)
    fail(
      `dataspace message: shape ${space.shape.join("x")} needs ${bytes} bytes, more than the file's ${fileSize}`,
      info.offsets.space,
    );
}
