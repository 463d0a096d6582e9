import type { ChunkTable } from "../../refs/model/index.js";

/**
 * The element region [start, stop) per dimension covered by the chunks that reference `url` (a file's part of
 * a combined array), and whether those chunks fill the region's chunk box completely.
 */
export function regionOfFile(
  table: ChunkTable,
  url: string,
  shape: readonly number[],
  chunks: readonly number[],
): { region: Array<[number, number]>; complete: boolean } | undefined {
  const p = table.paths.indexOf(url);
  if (p < 0) return undefined;
  // The only file of the array: inline chunks (small or padded edge blocks the scanner embedded) are its too.
  if (table.paths.length === 1) return { region: shape.map((n): [number, number] => [0, n]), complete: true };
  const rank = table.grid.length;
  const lo = new Array<number>(rank).fill(Number.POSITIVE_INFINITY);
  const hi = new Array<number>(rank).fill(-1);
  let n = 0;
  for (let flat = 0; flat < table.count; flat++) {
    if (table.pathIndex[flat] !== p) continue;
    n++;
    table.coords(flat).forEach((c, d) => {
      lo[d] = Math.min(lo[d] as number, c);
      hi[d] = Math.max(hi[d] as number, c);
    });
  }
  if (n === 0) return undefined;
  const boxChunks = lo.reduce((acc, l, d) => acc * ((hi[d] as number) - l + 1), 1);
  const region = lo.map((l, d): [number, number] => {
    const size = chunks[d] as number;
    return [l * size, Math.min(((hi[d] as number) + 1) * size, shape[d] as number)];
  });
  return { region, complete: boxChunks === n };
}
