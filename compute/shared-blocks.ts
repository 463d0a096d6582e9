/**
 * Source blocks that several unit groups read (a global chunk is needed by all 122 h0 cells, and a group holds
 * only the units whose partitions fit in memory: with month windows, two), read once: the first group to need a
 * block at a time slice reads all of it (fetch, decompress, dtype) and keeps the raw values in a local spill file;
 * later groups copy their rows and columns out of that file instead of fetching and decompressing the chunk again.
 * The values are the source's own, so every row is the same as when each group reads for itself. A block's box is
 * what its mapping reads (with the halo when aggregating, see mappingBoxes); a region in no box, or from a reader
 * returning plain arrays, is read as before. One file per box x variable x time slice x extra-dimension range,
 * named by it, in a fresh temporary folder removed by close(), or in a folder the worker threads of a run share
 * (compute/workers/units.ts): a block one worker spilled, the others copy. The run releases the files when its groups move
 * on to other time windows (release()), and spills at most `maxSpillBytes` (the run's option, default 8 GiB)
 * at once: past that a block is read as before, so a year in one run cannot fill a pod's disk. Releasing or not
 * spilling only costs reads, never changes a value.
 */
import { createHash, randomUUID } from "node:crypto";
import { mkdtemp, open, readFile, rename, rm } from "node:fs/promises";
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
  /** Blocks this reader spilled, by key: their files, released by release(). */
  private readonly files = new Map<string, string>();
  private last: { key: string; data: NumericArray } | undefined;

  /**
   * `folder`: a spill folder shared with other readers (the worker threads of one run): spills are named by
   * their key, so a block one reader spilled is found and copied by the others instead of read again. The
   * folder is the caller's to remove. Without it, a private temporary folder that close() removes.
   */
  constructor(
    private readonly inner: ArrayReader,
    private readonly blocks: Block[],
    private readonly axes: { yAxis: number; xAxis: number },
    private readonly maxSpillBytes = DEFAULT_MAX_SPILL_BYTES,
    private readonly folder?: string,
  ) {}

  /** Forget and delete every block this reader spilled (the groups still to run need none of them). */
  async release(): Promise<void> {
    const files = [...this.files.values()];
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
    if (this.folder) await this.release();
    this.last = undefined;
    this.files.clear();
    if (this.dir && !this.folder) await rm(await this.dir, { recursive: true, force: true });
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
    this.dir ??= this.folder ? Promise.resolve(this.folder) : mkdtemp(join(tmpdir(), "refs-shared-blocks-"));
    const file = join(await this.dir, `${createHash("sha256").update(key).digest("hex").slice(0, 32)}.bin`);
    // a block spilled here, or by another reader of the shared folder
    let data = this.files.has(key) || this.folder ? await readSpill(file) : undefined;
    if (!data) {
      const raw = await this.inner(path, whole);
      const type = (raw as { constructor?: { name?: string } }).constructor?.name as TypedName | undefined;
      if (!type || !(type in TYPED) || TYPED[type] !== raw.constructor) return undefined;
      data = raw as NumericArray;
      // over the disk bound the block is not kept (later groups read it themselves)
      if (this.spilled + data.byteLength <= this.maxSpillBytes && !this.files.has(key)) {
        this.spilled += data.byteLength;
        await writeSpill(file, type, data);
        this.files.set(key, file);
      }
    }
    this.last = { key, data };
    return data;
  }
}

const TYPE_NAMES = Object.keys(TYPED) as TypedName[];
/** A spill file: its typed array's type (index into TYPE_NAMES) in an 8-byte header, then the raw values. */
const HEADER_BYTES = 8;

/** Written under a temporary name and renamed, so a reader of the shared folder sees all of it or nothing. */
async function writeSpill(file: string, type: TypedName, data: NumericArray): Promise<void> {
  const header = new Uint8Array(HEADER_BYTES);
  header[0] = TYPE_NAMES.indexOf(type);
  const tmp = `${file}.${randomUUID()}.tmp`;
  const handle = await open(tmp, "w");
  try {
    await handle.writev([header, new Uint8Array(data.buffer, data.byteOffset, data.byteLength)]);
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
}

/** A spill file's values; undefined when there is none (never spilled, or released by its reader). */
async function readSpill(file: string): Promise<NumericArray | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  const Type = TYPED[TYPE_NAMES[bytes[0] as number] as TypedName];
  const length = (bytes.byteLength - HEADER_BYTES) / Type.BYTES_PER_ELEMENT;
  const at = bytes.byteOffset + HEADER_BYTES;
  if (at % Type.BYTES_PER_ELEMENT === 0) return new Type(bytes.buffer as ArrayBuffer, at, length);
  // a small file's bytes may sit in a shared pool at an offset the element size does not divide: copied out
  const out = new Type(length);
  new Uint8Array(out.buffer).set(bytes.subarray(HEADER_BYTES));
  return out;
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
