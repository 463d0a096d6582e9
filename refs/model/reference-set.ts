/**
 * A set of chunk references: Zarr v2 metadata documents plus, per array, a chunk table.
 * Chunk tables hold typed arrays (not an object per chunk) so millions of chunks fit in little memory.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Where one chunk's bytes are. */
export type ChunkRef =
  | { kind: "range"; url: string; offset: number; length: number }
  | { kind: "file"; url: string }
  | { kind: "inline"; data: Uint8Array };

const MISSING = -1;
const INLINE = -2;

/** Chunk references of one array, indexed by the C-order position of the chunk in the chunk grid. */
export class ChunkTable {
  /** Number of chunks along each dimension (empty for a 0-d array, which has one chunk). */
  readonly grid: readonly number[];
  readonly count: number;
  /** Index into `paths`, or MISSING / INLINE. */
  readonly pathIndex: Int32Array;
  readonly offsets: Float64Array;
  /** Length in bytes; -1 means the whole file at the path. */
  readonly lengths: Float64Array;
  readonly paths: string[] = [];
  readonly inline = new Map<number, Uint8Array>();
  private readonly pathLookup = new Map<string, number>();
  private readonly remaps = new WeakMap<ChunkTable, Int32Array>();

  constructor(grid: readonly number[]) {
    this.grid = [...grid];
    this.count = grid.reduce((a, b) => a * b, 1);
    this.pathIndex = new Int32Array(this.count).fill(MISSING);
    this.offsets = new Float64Array(this.count);
    this.lengths = new Float64Array(this.count);
  }

  /** C-order flat index of chunk coordinates. */
  flatIndex(coords: readonly number[]): number {
    let index = 0;
    for (let d = 0; d < this.grid.length; d++) {
      const c = coords[d] ?? 0;
      const n = this.grid[d] ?? 1;
      if (c < 0 || c >= n)
        throw new RangeError(`chunk coordinate ${c} outside grid dimension ${d} of size ${n}`);
      index = index * n + c;
    }
    return index;
  }

  /** Chunk coordinates of a C-order flat index. */
  coords(flat: number): number[] {
    const out = new Array<number>(this.grid.length);
    for (let d = this.grid.length - 1; d >= 0; d--) {
      const n = this.grid[d] ?? 1;
      out[d] = flat % n;
      flat = Math.floor(flat / n);
    }
    return out;
  }

  private pathId(url: string): number {
    let id = this.pathLookup.get(url);
    if (id === undefined) {
      id = this.paths.length;
      this.paths.push(url);
      this.pathLookup.set(url, id);
    }
    return id;
  }

  set(flat: number, ref: ChunkRef | undefined): void {
    this.inline.delete(flat);
    if (ref === undefined) {
      this.pathIndex[flat] = MISSING;
      return;
    }
    if (ref.kind === "inline") {
      this.pathIndex[flat] = INLINE;
      this.inline.set(flat, ref.data);
      return;
    }
    this.pathIndex[flat] = this.pathId(ref.url);
    this.offsets[flat] = ref.kind === "range" ? ref.offset : 0;
    this.lengths[flat] = ref.kind === "range" ? ref.length : -1;
  }

  /** set() for a byte range without building a ChunkRef object (bulk loads of millions of references). */
  setRange(flat: number, url: string, offset: number, length: number): void {
    if (this.pathIndex[flat] === INLINE) this.inline.delete(flat);
    this.pathIndex[flat] = this.pathId(url);
    this.offsets[flat] = offset;
    this.lengths[flat] = length;
  }

  /** Copy one chunk's reference from another table (no per-chunk objects: combines copy millions). */
  copyFrom(src: ChunkTable, srcFlat: number, dstFlat: number): void {
    const p = src.pathIndex[srcFlat] as number;
    if (p === MISSING || p === INLINE) {
      this.set(dstFlat, src.get(srcFlat));
      return;
    }
    if (this.pathIndex[dstFlat] === INLINE) this.inline.delete(dstFlat);
    // Path ids of the source table mapped to ours, so bulk copies skip the string lookup per chunk.
    let remap = this.remaps.get(src);
    if (!remap || remap.length < src.paths.length) {
      const grown = new Int32Array(src.paths.length).fill(-1);
      if (remap) grown.set(remap);
      remap = grown;
      this.remaps.set(src, remap);
    }
    let id = remap[p] as number;
    if (id < 0) {
      id = this.pathId(src.paths[p] as string);
      remap[p] = id;
    }
    this.pathIndex[dstFlat] = id;
    this.offsets[dstFlat] = src.offsets[srcFlat] as number;
    this.lengths[dstFlat] = src.lengths[srcFlat] as number;
  }

  /** Number of chunks that have a reference. */
  presentCount(): number {
    let n = 0;
    for (let i = 0; i < this.count; i++) if (this.pathIndex[i] !== MISSING) n++;
    return n;
  }

  get(flat: number): ChunkRef | undefined {
    const p = this.pathIndex[flat];
    if (p === undefined || p === MISSING) return undefined;
    if (p === INLINE) {
      const data = this.inline.get(flat);
      return data ? { kind: "inline", data } : undefined;
    }
    const url = this.paths[p] as string;
    const length = this.lengths[flat] as number;
    if (length < 0) return { kind: "file", url };
    return { kind: "range", url, offset: this.offsets[flat] as number, length };
  }

  /** Flat indexes of chunks that have a reference, in C order. */
  *present(): Generator<number> {
    for (let i = 0; i < this.count; i++) if (this.pathIndex[i] !== MISSING) yield i;
  }
}

/** Store key of a metadata document of an array or group ("" is the root). */
export function metaKey(path: string, name: string): string {
  return path === "" ? name : `${path}/${name}`;
}

/** Zarr v2 chunk key of chunk coordinates ("0" for a 0-d array), with "." as dimension separator. */
export function chunkKey(coords: readonly number[], separator = "."): string {
  return coords.length === 0 ? "0" : coords.join(separator);
}

export interface ReferenceSet {
  /**
   * Zarr v2 metadata documents keyed by their store path: ".zgroup", ".zattrs", "<array>/.zarray",
   * "<array>/.zattrs", "<group>/.zgroup", ... Values are parsed JSON objects.
   */
  metadata: Map<string, JsonObject>;
  /** Chunk tables keyed by array path ("temp", "group/temp"). */
  arrays: Map<string, ChunkTable>;
}

export function emptyReferenceSet(): ReferenceSet {
  return { metadata: new Map([[".zgroup", { zarr_format: 2 }]]), arrays: new Map() };
}
