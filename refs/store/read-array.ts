import type { ChunkRef, ReferenceSet } from "../model/index.js";
import type { CoalesceOptions } from "../storage/index.js";
import { type ArrayMeta, arrayMeta, chunkGrid, chunkStoreKey } from "./array-meta.js";
import { ChunkFetcher, type OpenSource } from "./chunk-bytes.js";
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
  /** Chunks decoded at once (default 16). */
  concurrency?: number;
  /** How ranges of one URL are merged (refs/storage's coalescing, once per source); false: not at all. */
  coalesce?: CoalesceOptions | false;
}

/** Range reads asked for at once, at most: enough for the coalescing to merge, a bound on the bytes held. */
const BATCH_BYTES = 64 * 1024 * 1024;
const BATCH_CHUNKS = 65_536;

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
  const fetcher = new ChunkFetcher(options.open, options.coalesce);
  const place = async (coords: number[], ref: ChunkRef, stored: () => Promise<Uint8Array>): Promise<void> => {
    const key = chunkStoreKey(meta, coords);
    let chunk: ArrayData;
    const url = ref.kind === "inline" ? undefined : ref.url;
    try {
      chunk = await decodeChunk(meta, await stored(), key, url);
    } catch (error) {
      if (error instanceof CodecError || error instanceof ChunkReadError) throw error;
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
  // The range reads of a batch are asked for at once, so the source's coalescing merges neighbours into few
  // requests; chunks are decoded `concurrency` at a time. Inline and whole-file chunks are read when decoded.
  let batch: Array<() => Promise<void>> = [];
  let batchBytes = 0;
  const runBatch = async () => {
    const tasks = batch;
    batch = [];
    batchBytes = 0;
    await pool(tasks, options.concurrency ?? 16, (task) => task());
  };
  for (const coords of chunksIn(meta, region)) {
    const ref = table?.get(table.flatIndex(coords));
    if (!ref) continue;
    if (ref.kind === "range") {
      const stored = fetcher.bytes(ref);
      stored.catch(() => {}); // its task reports the failure; one left unawaited after an earlier failure is moot
      batch.push(() => place(coords, ref, () => stored));
      batchBytes += ref.length;
    } else batch.push(() => place(coords, ref, () => fetcher.bytes(ref)));
    if (batchBytes >= BATCH_BYTES || batch.length >= BATCH_CHUNKS) await runBatch();
  }
  await runBatch();
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
