/**
 * The chunk table of one IFD: the n-th tile/strip is the n-th chunk. Sparse blocks (offset or byte count 0) stay
 * missing; blocks past the end of the file are a FormatError; a short last strip is made a full chunk.
 */
import type { ChunkTable } from "../../refs/model/index.js";
import type { ByteSource } from "../../refs/storage/index.js";
import { budgetedChunkTable, type ScanBudget } from "../budget.js";
import { FormatError } from "../errors.js";
import type { ScanIssue } from "../types.js";
import type { IfdInfo } from "./ifd.js";
import type { ArrayLayout } from "./layout.js";
import { paddedStrip } from "./short-strip.js";
import { type MetadataRange, tagName } from "./structure.js";

/** Is block i the last strip of its plane, with fewer rows than RowsPerStrip? */
function isShortStrip(ifd: IfdInfo, i: number): boolean {
  const perPlane = Math.ceil(ifd.height / ifd.blockHeight);
  return i % perPlane === perPlane - 1 && ifd.height % ifd.blockHeight !== 0;
}

export async function chunkTable(
  url: string,
  path: string,
  ifd: IfdInfo,
  layout: ArrayLayout,
  ctx: {
    cached: ByteSource;
    size: number;
    inline: number;
    issues: ScanIssue[];
    overlaps: (offset: number, length: number) => MetadataRange | undefined;
    budget?: ScanBudget;
  },
): Promise<ChunkTable> {
  const grid = layout.shape.map((n, i) => Math.ceil(n / (layout.chunks[i] ?? 1)));
  const table = budgetedChunkTable(ctx.budget, grid, path || "/");
  if (ifd.offsets.length !== table.count || ifd.byteCounts.length !== table.count) {
    throw new FormatError(
      url,
      path,
      `IFD ${ifd.index} has ${ifd.offsets.length} offsets and ${ifd.byteCounts.length} byte counts, expected ${table.count} blocks`,
    );
  }
  const fullChunk = layout.chunks.reduce((a, b) => a * b, 1) * Number(layout.dtype.slice(2));
  for (let i = 0; i < table.count; i++) {
    const offset = ifd.offsets[i] ?? 0;
    let length = ifd.byteCounts[i] ?? 0;
    const [offsetsTag, countsTag] = ifd.tiled ? [324, 325] : [273, 279];
    if (length === 0) {
      // GDAL writes a sparse block (never written, read as nodata/0) as offset 0 and byte count 0. A byte count
      // of 0 beside a real offset is no writer's output but a damaged count: libtiff refuses it ("Invalid tile
      // byte count"), and reading it as fill would hide the block's data.
      if (offset !== 0) {
        throw new FormatError(
          url,
          `IFD ${ifd.index}, ${tagName(countsTag)}`,
          `block ${i} has byte count 0 at offset ${offset}, expected a byte count above 0, or offset 0 too for a sparse block`,
        );
      }
      continue; // sparse: reads as fill_value
    }
    if (offset === 0) {
      // GDAL marks a sparse block with offset 0 and byte count 0; offset 0 with bytes is the header
      throw new FormatError(
        url,
        `IFD ${ifd.index}, ${tagName(offsetsTag)}`,
        `block ${i} of ${length} bytes (${tagName(countsTag)}) at offset 0, expected a sparse block (byte count 0) or an offset past the header`,
      );
    }
    if (offset + length > ctx.size) {
      throw new FormatError(
        url,
        path,
        `block ${i} (${length} bytes at ${offset}) runs past the end of the file (${ctx.size} bytes): truncated?`,
        offset,
      );
    }
    const clash = ctx.overlaps(offset, length);
    if (clash)
      throw new FormatError(
        url,
        `IFD ${ifd.index}, ${tagName(offsetsTag)}`,
        `block ${i} (${length} bytes at ${offset}) overlaps ${clash.what} (${clash.length} bytes at ${clash.offset}): corrupt offset or byte count`,
        offset,
      );
    if (!ifd.tiled && isShortStrip(ifd, i)) {
      const { compressor, filters } = layout.codecs;
      // Uncompressed: read a full chunk when the file goes on (the bytes past the strip lie outside the array).
      if (compressor === null && !filters && offset + fullChunk <= ctx.size) length = fullChunk;
      else {
        const rows = ifd.height % ifd.blockHeight;
        const rawBytes = (fullChunk / ifd.blockHeight) * rows;
        const padded = paddedStrip(await ctx.cached.fetch(offset, length), compressor, fullChunk, rawBytes);
        if (padded) {
          table.set(i, { kind: "inline", data: padded });
          continue;
        }
        ctx.issues.push({
          object: path || "/",
          feature: "short last strip",
          message: `${url}: strip ${i} of IFD ${ifd.index} holds fewer rows than RowsPerStrip and ${String(compressor?.id)} has no encoder here to pad it; Zarr readers will reject that chunk`,
        });
      }
    }
    // uncompressed: a block is its pixels; bytes past them (a damaged byte count) are not part of the chunk
    if (layout.codecs.compressor === null && !layout.codecs.filters && length > fullChunk) length = fullChunk;
    if (length < ctx.inline) table.set(i, { kind: "inline", data: await ctx.cached.fetch(offset, length) });
    else table.set(i, { kind: "range", url, offset, length });
  }
  return table;
}
