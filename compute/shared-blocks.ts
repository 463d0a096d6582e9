/**
 * Source blocks that several unit groups read (a global chunk is needed by all 122 h0 cells, and a group holds
 * only the units whose partitions fit in memory: with month windows, two), read once: the first group to need a
 * block at a time slice reads all of it (fetch, decompress, dtype) and keeps the raw values in a local spill file;
 * later groups copy their rows and columns out of that file instead of fetching and decompressing the chunk again.
 * The values are the source's own, so every row is the same as when each group reads for itself. A block's box is
 * what its mapping reads (with the halo when aggregating, see mappingBoxes); a region in no box, or from a reader
 * returning plain arrays, is read as before. The spill folder is a fresh temporary one, removed by close(); one
 * file per box x variable x time slice x extra-dimension range. The run releases the files when its groups move
 * on to other time windows (release()), and spills at most `maxSpillBytes` (the run's option, default 8 GiB)
 * at once: past that a block is read as before, so a year in one run cannot fill a pod's disk. Releasing or not
 * spilling only costs reads, never changes a value.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Block, haloColumns, type MappingMethod } from "./cells/mapping.js";
import { blockHalo } from "./cells/scale.js";
import type { Grid } from "./grid/types.js";
import type { ArrayReader, NumericArray, Region } from "./source.js";
import type { WorkUnit } from "./units/plan.js";

const TYPED = {
  Float64Array,
  Float32Array,
  Int8Array,
  Uint8Array,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  BigInt64Array,
  BigUint64Array,
};
type TypedName = keyof typeof TYPED;

/** Blocks that units of two or more groups read. */
export function blocksSharedByGroups(groups: WorkUnit[][]): Block[] {
  const seen = new Map<string, { block: Block; groups: number }>();
  for (const group of groups) {
    const mine = new Map<string, Block>();
    for (const u of group) for (const b of u.blocks) mine.set(blockKey(b), b);
    for (const [key, block] of mine) {
      const entry = seen.get(key) ?? { block, groups: 0 };
      entry.groups++;
      seen.set(key, entry);
    }
  }
  return [...seen.values()].filter((e) => e.groups > 1).map((e) => e.block);
}

/**
 * The boxes of the grid the blocks' mappings read: the block itself when sampling, the block and its halo when
 * aggregating (rows clamped; one box per column interval, two where the halo wraps around a global grid), as
 * CellMapper computes them. A region outside every box is only read as before, never wrong.
 */
export function mappingBoxes(grid: Grid, blocks: Block[], res: number, method: MappingMethod): Block[] {
  if (method === "sample") return blocks;
  return blocks.flatMap((block) => {
    const halo = blockHalo(grid, block, res);
    const y0 = Math.max(0, block.y0 - halo.y);
    const y1 = Math.min(grid.ny, block.y1 + halo.y);
    return haloColumns(grid, block, halo.x).map(([x0, x1]) => ({ y0, y1, x0, x1 }));
  });
}

/** Spilled bytes held at once by default (a pod's ephemeral disk is often 10-20 GiB). */
export const DEFAULT_MAX_SPILL_BYTES = 8 * 2 ** 30;

export class SharedBlockReader {
  private dir: Promise<string> | undefined;
  private spilled = 0;
  /** Raw block values by key, on disk (type name and file); the last one read also in memory. */
  private readonly files = new Map<string, { type: TypedName; file: string }>();
  private last: { key: string; data: NumericArray } | undefined;

  constructor(
    private readonly inner: ArrayReader,
    private readonly blocks: Block[],
    private readonly axes: { yAxis: number; xAxis: number },
    private readonly maxSpillBytes = DEFAULT_MAX_SPILL_BYTES,
  ) {}

  /** Forget and delete every spilled block (the groups still to run need none of them). */
  async release(): Promise<void> {
    const files = [...this.files.values()].map((f) => f.file);
    this.last = undefined;
    this.files.clear();
    this.spilled = 0;
    await Promise.all(files.map((f) => rm(f, { force: true })));
  }

  readonly read: ArrayReader = async (path, region) => {
    const block = this.blockOf(region);
    if (!block) return this.inner(path, region);
    const whole: Region = { start: [...region.start], stop: [...region.stop] };
    whole.start[this.axes.yAxis] = block.y0;
    whole.stop[this.axes.yAxis] = block.y1;
    whole.start[this.axes.xAxis] = block.x0;
    whole.stop[this.axes.xAxis] = block.x1;
    const key = `${path}|${whole.start.join(",")}|${whole.stop.join(",")}`;
    const data = await this.blockValues(key, path, whole);
    if (!data) return this.inner(path, region);
    return copyBox(data, whole, region);
  };

  async close(): Promise<void> {
    this.last = undefined;
    this.files.clear();
    if (this.dir) await rm(await this.dir, { recursive: true, force: true });
  }

  private blockOf(region: Region): Block | undefined {
    const { yAxis, xAxis } = this.axes;
    const [y0, y1, x0, x1] = [
      region.start[yAxis] as number,
      region.stop[yAxis] as number,
      region.start[xAxis] as number,
      region.stop[xAxis] as number,
    ];
    return this.blocks.find((b) => b.y0 <= y0 && y1 <= b.y1 && b.x0 <= x0 && x1 <= b.x1);
  }

  private async blockValues(key: string, path: string, whole: Region): Promise<NumericArray | undefined> {
    if (this.last?.key === key) return this.last.data;
    const kept = this.files.get(key);
    let data: NumericArray | undefined;
    if (kept) {
      const bytes = await readFile(kept.file);
      const Type = TYPED[kept.type];
      // a small file's bytes may sit in a shared pool at an offset the element size does not divide
      const aligned = bytes.byteOffset % Type.BYTES_PER_ELEMENT === 0;
      const buffer = aligned
        ? bytes.buffer
        : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      data = new Type(buffer, aligned ? bytes.byteOffset : 0, bytes.byteLength / Type.BYTES_PER_ELEMENT);
    } else {
      const raw = await this.inner(path, whole);
      const type = (raw as { constructor?: { name?: string } }).constructor?.name as TypedName | undefined;
      if (!type || !(type in TYPED) || TYPED[type] !== raw.constructor) return undefined;
      data = raw as NumericArray;
      if (this.spilled + data.byteLength > this.maxSpillBytes) {
        // over the disk bound: this block is not kept (later groups read it themselves)
        this.last = { key, data };
        return data;
      }
      this.spilled += data.byteLength;
      this.dir ??= mkdtemp(join(tmpdir(), "refs-shared-blocks-"));
      const file = join(await this.dir, `${this.files.size}.bin`);
      const tmp = `${file}.${randomUUID()}.tmp`;
      await writeFile(tmp, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      await rename(tmp, file);
      this.files.set(key, { type, file });
    }
    this.last = { key, data };
    return data;
  }
}

function blockKey(b: Block): string {
  return `${b.y0}_${b.y1}_${b.x0}_${b.x1}`;
}

/** The C-order values of `region` out of `data`, the C-order values of `whole` (which contains it). */
function copyBox(data: NumericArray, whole: Region, region: Region): NumericArray {
  const nd = whole.start.length;
  const shape = whole.start.map((s, d) => (whole.stop[d] as number) - s);
  const count = region.start.map((s, d) => (region.stop[d] as number) - s);
  const strides = new Array<number>(nd).fill(1);
  for (let d = nd - 2; d >= 0; d--) strides[d] = (strides[d + 1] as number) * (shape[d + 1] as number);
  const total = count.reduce((n, c) => n * c, 1);
  const Type = data.constructor as new (n: number) => NumericArray;
  const out = new Type(total);
  if (total === 0) return out;
  const run = count[nd - 1] as number;
  const index = new Array<number>(nd - 1).fill(0);
  for (let at = 0; at < total; at += run) {
    let from = (region.start[nd - 1] as number) - (whole.start[nd - 1] as number);
    for (let d = 0; d < nd - 1; d++)
      from +=
        ((index[d] as number) + (region.start[d] as number) - (whole.start[d] as number)) *
        (strides[d] as number);
    (out as Float64Array).set((data as Float64Array).subarray(from, from + run), at);
    for (let d = nd - 2; d >= 0; d--) {
      index[d] = (index[d] as number) + 1;
      if ((index[d] as number) < (count[d] as number)) break;
      index[d] = 0;
    }
  }
  return out;
}
