/**
 * Copy one input's chunk table into the combined table, shifted along concat dimensions, writing the typed
 * arrays directly: no object per chunk. URLs are registered once per input path through ChunkTable.set.
 */
import type { ChunkTable } from "../model/index.js";

/**
 * `shift[d]` is the chunk offset along output dimension d; the input's dimensions are the output's last
 * `input.grid.length` dimensions (dimensions the input lacks are prepended, one chunk each).
 */
export function copyChunks(input: ChunkTable, output: ChunkTable, shift: readonly number[]): void {
  const rank = output.grid.length;
  const lead = rank - input.grid.length;
  const strides = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--)
    strides[d] = (strides[d + 1] as number) * (output.grid[d + 1] as number);
  let base = 0;
  for (let d = 0; d < rank; d++) base += (shift[d] as number) * (strides[d] as number);
  const remap = new Int32Array(input.paths.length).fill(-1);
  const inner = input.grid.length === 0 ? 1 : (input.grid[input.grid.length - 1] as number);
  const rows = inner === 0 ? 0 : input.count / inner;
  const coords = new Array<number>(Math.max(0, input.grid.length - 1)).fill(0);
  for (let row = 0; row < rows; row++) {
    let o = base;
    for (let d = 0; d < coords.length; d++) o += (coords[d] as number) * (strides[lead + d] as number);
    const i0 = row * inner;
    for (let k = 0; k < inner; k++) copyOne(input, output, i0 + k, o + k, remap);
    for (let d = coords.length - 1; d >= 0; d--) {
      coords[d] = (coords[d] as number) + 1;
      if ((coords[d] as number) < (input.grid[d] as number)) break;
      coords[d] = 0;
    }
  }
}

function copyOne(input: ChunkTable, output: ChunkTable, i: number, o: number, remap: Int32Array): void {
  const p = input.pathIndex[i] as number;
  if (p >= 0) {
    const mapped = remap[p] as number;
    if (mapped < 0) {
      output.set(o, input.get(i));
      remap[p] = output.pathIndex[o] as number;
      return;
    }
    output.pathIndex[o] = mapped;
    output.offsets[o] = input.offsets[i] as number;
    output.lengths[o] = input.lengths[i] as number;
    return;
  }
  const data = input.inline.get(i);
  if (data) output.set(o, { kind: "inline", data });
}
