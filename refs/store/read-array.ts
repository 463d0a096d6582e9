import type { ChunkRef, ReferenceSet } from "../model/index.js";
import { type ArrayMeta, arrayMeta, chunkGrid, chunkStoreKey } from "./array-meta.js";
import { ChunkFetcher, type OpenSource } from "./chunk-bytes.js";
import { type CoalesceOptions, coalesce, type RangeRequest } from "./coalesce.js";
import { CodecError } from "./codecs/registry.js";
import { copyBlock, fillAll } from "./copy-block.js";
import { decodeChunk } from "./decode-chunk.js";
import { type ArrayData, allocate } from "./dtype.js";
import { ArrayMetadataError, ChunkReadError } from "./errors.js";
import { fillValues } from "./fill-value.js";

export interface ReadArrayOptions {
  open: OpenSource;
  /** [start, stop) per dimension; default the whole array. */
  region?: ReadonlyArray<readonly [number, number]>;
  /** Reads (each one chunk or several coalesced) in flight at once (default 16). */
  concurrency?: number;
  /** How close ranges of one URL must be to be read together. */
  coalesce?: CoalesceOptions;
}

export interface ArrayResult {
  shape: number[];
  dtype: string;
  /** C order; complex dtypes interleave real and imaginary parts. */
  data: ArrayData;
}

function checkRegion(meta: ArrayMeta, region: ReadArrayOptions["region"]): Array<[number, number]> {
  if (!region) return meta.shape.map((n) => [0, n]);
  if (region.length !== meta.shape.length) {
    throw new ArrayMetadataError(
      meta.path,
      `region has ${region.length} dimensions, array has ${meta.shape.length}`,
    );
  }
  return region.map(([start, stop], d) => {
    const n = meta.shape[d] as number;
    if (!(Number.isInteger(start) && Number.isInteger(stop) && start >= 0 && start <= stop && stop <= n)) {
      throw new ArrayMetadataError(
        meta.path,
        `region [${start}, ${stop}) is outside dimension ${d} of size ${n}`,
      );
    }
    return [start, stop];
  });
}

/** Chunk coordinates overlapping the region, in C order. */
function* chunksIn(meta: ArrayMeta, region: Array<[number, number]>): Generator<number[]> {
  const lo = region.map(([s], d) => Math.floor(s / (meta.chunks[d] as number)));
  const hi = region.map(([, e], d) => Math.ceil(e / (meta.chunks[d] as number)));
  if (lo.some((l, d) => l >= (hi[d] as number))) return;
  const c = [...lo];
  for (;;) {
    yield [...c];
    let d = c.length - 1;
    for (; d >= 0; d--) {
      c[d] = (c[d] as number) + 1;
      if ((c[d] as number) < (hi[d] as number)) break;
      c[d] = lo[d] as number;
    }
    if (d < 0) return;
  }
}

/**
 * Read an array (or a region of it) through a reference set, assembling chunks in C order. Missing chunks read
 * as the fill value; chunks are fetched and decoded `concurrency` at a time.
 */
export async function readArray(
  refs: ReferenceSet,
  path: string,
  options: ReadArrayOptions,
): Promise<ArrayResult> {
  const meta = arrayMeta(refs, path);
  const region = checkRegion(meta, options.region);
  const outShape = region.map(([s, e]) => e - s);
  const count = outShape.reduce((a, b) => a * b, 1);
  const out = allocate(meta.dtype, count) as ArrayData;
  fillAll(out, fillValues(meta.dtype, meta.fillValue, meta.fillLiteral));
  const table = refs.arrays.get(path);
  const grid = chunkGrid(meta.shape, meta.chunks);
  if (table && table.grid.join() !== grid.join()) {
    throw new ArrayMetadataError(
      path,
      `chunk table grid ${table.grid.join("x")} does not match .zarray grid ${grid.join("x")}`,
    );
  }
  const fetcher = new ChunkFetcher(options.open);
  const place = async (coords: number[], ref: ChunkRef, stored: () => Promise<Uint8Array>): Promise<void> => {
    const key = chunkStoreKey(meta, coords);
    let chunk: ArrayData;
    try {
      chunk = await decodeChunk(meta, await stored(), key);
    } catch (error) {
      if (error instanceof CodecError || error instanceof ChunkReadError) throw error;
      const url = ref.kind === "inline" ? undefined : ref.url;
      const detail = error instanceof Error ? error.message : String(error);
      throw new ChunkReadError(key, url, detail, { cause: error });
    }
    const chunkStart: number[] = [];
    const outStart: number[] = [];
    const extent: number[] = [];
    coords.forEach((c, d) => {
      const size = meta.chunks[d] as number;
      const [rs, re] = region[d] as [number, number];
      const lo = Math.max(c * size, rs);
      const hi = Math.min((c + 1) * size, re);
      chunkStart.push(lo - c * size);
      outStart.push(lo - rs);
      extent.push(hi - lo);
    });
    copyBlock({
      chunk,
      chunkShape: meta.chunks,
      order: meta.order,
      chunkStart,
      extent,
      out,
      outShape,
      outStart,
      lanes: meta.dtype.lanes,
    });
  };
  // Ranges are coalesced into few reads; inline and whole-file chunks are read one by one.
  const tasks: Array<() => Promise<void>> = [];
  const ranges: Array<RangeRequest<number[]>> = [];
  for (const coords of chunksIn(meta, region)) {
    const ref = table?.get(table.flatIndex(coords));
    if (!ref) continue;
    if (ref.kind === "range")
      ranges.push({ url: ref.url, offset: ref.offset, length: ref.length, item: coords });
    else tasks.push(() => place(coords, ref, () => fetcher.bytes(ref)));
  }
  for (const read of coalesce(ranges, options.coalesce)) {
    tasks.push(async () => {
      const joined = read.parts.length > 1;
      const data = joined
        ? await fetcher
            .source(read.url)
            .fetch(read.offset, read.length)
            .catch(() => undefined)
        : undefined;
      for (const { at, request } of read.parts) {
        const ref: ChunkRef = {
          kind: "range",
          url: request.url,
          offset: request.offset,
          length: request.length,
        };
        // If the joined read fails, each chunk is read on its own so the error names its key.
        const stored = data ? async () => data.subarray(at, at + request.length) : () => fetcher.bytes(ref);
        await place(request.item, ref, stored);
      }
    });
  }
  await pool(tasks, options.concurrency ?? 16, (task) => task());
  return { shape: outShape, dtype: meta.dtype.text, data: out };
}

/** Run `task` over the items with at most `limit` in flight; the first failure stops new work and is thrown. */
export async function pool<T>(
  items: Iterable<T>,
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  const iterator = items[Symbol.iterator]();
  let failed: unknown;
  const worker = async (): Promise<void> => {
    for (let next = iterator.next(); !next.done && failed === undefined; next = iterator.next()) {
      try {
        await task(next.value);
      } catch (error) {
        failed ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
  if (failed !== undefined) throw failed;
}
