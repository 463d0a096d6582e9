import { type ChunkRef, ChunkTable, type JsonObject, type ReferenceSet } from "../model/index.js";
import { ReferenceFormatError } from "./errors.js";

/** A metadata key: its last path segment is .zarray, .zattrs, .zgroup or .zmetadata. */
export function isMetadataKey(key: string): boolean {
  const name = key.slice(key.lastIndexOf("/") + 1);
  return name.startsWith(".z");
}

export interface ArrayLayout {
  grid: number[];
  separator: string;
}

/** Chunk grid and key separator of an array from its .zarray, checked enough to place chunk keys. */
export function arrayLayout(key: string, zarray: JsonObject, file?: string): ArrayLayout {
  const { shape, chunks } = zarray;
  const ok = (v: unknown): v is number[] =>
    Array.isArray(v) && v.every((n) => typeof n === "number" && Number.isInteger(n) && n >= 0);
  if (!ok(shape) || !ok(chunks) || shape.length !== chunks.length) {
    throw new ReferenceFormatError(key, "shape and chunks must be integer lists of the same length", file);
  }
  const grid = shape.map((n, i) => (n === 0 ? 0 : Math.ceil(n / ((chunks[i] as number) || 1))));
  const separator = typeof zarray.dimension_separator === "string" ? zarray.dimension_separator : ".";
  return { grid, separator };
}

/** Places chunk keys ("temp/1.0", "g/temp/1/0") into per-array chunk tables. */
export class SetBuilder {
  readonly refs: ReferenceSet = { metadata: new Map(), arrays: new Map() };
  private readonly layouts = new Map<string, ArrayLayout>();

  constructor(private readonly file?: string) {}

  addMetadata(key: string, doc: JsonObject): void {
    this.refs.metadata.set(key, doc);
    if (key === ".zarray" || key.endsWith("/.zarray")) {
      const path = key === ".zarray" ? "" : key.slice(0, -"/.zarray".length);
      const layout = arrayLayout(key, doc, this.file);
      this.layouts.set(path, layout);
      this.refs.arrays.set(path, new ChunkTable(layout.grid));
    }
  }

  /** Which array a chunk key belongs to, and the chunk's coordinates. */
  locate(key: string): { path: string; flat: number; table: ChunkTable } {
    // Keys come grouped by array: try the last array first ("." separators, the common case).
    const last = this.last;
    if (last && key.startsWith(last.prefix) && key.indexOf("/", last.prefix.length) < 0) {
      return this.place(key, last.path, key.slice(last.prefix.length), last.layout);
    }
    const found = this.search(key);
    const layout = this.layouts.get(found.path) as ArrayLayout;
    if (layout.separator === ".")
      this.last = { prefix: found.path === "" ? "" : `${found.path}/`, path: found.path, layout };
    return found;
  }

  private last: { prefix: string; path: string; layout: ArrayLayout } | undefined;

  private search(key: string): { path: string; flat: number; table: ChunkTable } {
    // The array path is the longest prefix naming an array; "/"-separated chunk keys need the walk up.
    for (let cut = key.lastIndexOf("/"); ; cut = key.lastIndexOf("/", cut - 1)) {
      const path = cut < 0 ? "" : key.slice(0, cut);
      const layout = this.layouts.get(path);
      if (layout) return this.place(key, path, key.slice(cut + 1), layout);
      if (cut < 0) break;
    }
    throw new ReferenceFormatError(key, "chunk key names no array with a .zarray", this.file);
  }

  private place(key: string, path: string, name: string, layout: ArrayLayout) {
    const table = this.refs.arrays.get(path) as ChunkTable;
    const parts = layout.grid.length === 0 ? (name === "0" ? [] : [name]) : name.split(layout.separator);
    let valid = parts.length === layout.grid.length;
    let flat = 0;
    for (let d = 0; valid && d < parts.length; d++) {
      const part = parts[d] as string;
      const c = Number(part);
      valid =
        part.length > 0 &&
        Number.isInteger(c) &&
        c >= 0 &&
        c < (layout.grid[d] as number) &&
        /^\d+$/.test(part);
      flat = flat * (layout.grid[d] as number) + c;
    }
    if (!valid) {
      throw new ReferenceFormatError(
        key,
        `chunk index "${name}" is outside the chunk grid [${layout.grid.join(", ")}]`,
        this.file,
      );
    }
    return { path, flat, table };
  }

  addChunk(key: string, ref: ChunkRef): void {
    const { flat, table } = this.locate(key);
    table.set(flat, ref);
  }
}
