import type { ChunkTable, ReferenceSet } from "../model/index.js";
import { chunkGrid } from "./array-meta.js";

export interface LocatedChunk {
  arrayPath: string;
  table: ChunkTable | undefined;
  flat: number;
}

/**
 * Store key -> (array, chunk index): "temp/1.0", "g/temp/1/0" (dimension_separator "/"), "scalar/0". Undefined
 * when the key names no chunk of a known array or lies outside its grid.
 */
export function locateChunk(refs: ReferenceSet, key: string): LocatedChunk | undefined {
  for (let cut = key.lastIndexOf("/"); ; cut = key.lastIndexOf("/", cut - 1)) {
    const path = cut < 0 ? "" : key.slice(0, cut);
    const zarray = refs.metadata.get(path === "" ? ".zarray" : `${path}/.zarray`);
    if (zarray) {
      const name = key.slice(cut + 1);
      const separator = typeof zarray.dimension_separator === "string" ? zarray.dimension_separator : ".";
      const shape = (zarray.shape as number[]) ?? [];
      const grid = chunkGrid(shape, (zarray.chunks as number[]) ?? []);
      const parts = grid.length === 0 ? (name === "0" ? [] : [name]) : name.split(separator);
      if (parts.length !== grid.length || !parts.every((p) => /^\d+$/.test(p))) return undefined;
      const coords = parts.map(Number);
      if (coords.some((c, d) => c >= (grid[d] as number))) return undefined;
      let flat = 0;
      coords.forEach((c, d) => {
        flat = flat * (grid[d] as number) + c;
      });
      return { arrayPath: path, table: refs.arrays.get(path), flat };
    }
    if (cut < 0) return undefined;
  }
}
