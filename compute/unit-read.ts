/**
 * Reads a unit's values of one variable into the mapping's buffer layout, decoded: `steps` planes of
 * rows x (concatenated column intervals), NaN where missing.
 */
import type { CellMapping } from "./cells/mapping.js";
import type { Variable } from "./prepare.js";
import type { ArrayReader } from "./source.js";

export async function readUnitValues(
  read: ArrayReader,
  variable: Variable,
  timeAxis: number,
  time: [number, number] | undefined,
  mapping: CellMapping,
): Promise<Float64Array> {
  const nd = variable.info.shape.length;
  const [r0, r1] = mapping.rows;
  const height = r1 - r0;
  const width = mapping.columns.reduce((s, [a, b]) => s + b - a, 0);
  const steps = time ? time[1] - time[0] : 1;
  const out = new Float64Array(steps * height * width);
  let colOffset = 0;
  for (const [a, b] of mapping.columns) {
    const start = new Array<number>(nd).fill(0);
    const stop = new Array<number>(nd).fill(1);
    if (time && timeAxis >= 0) {
      start[timeAxis] = time[0];
      stop[timeAxis] = time[1];
    }
    start[nd - 2] = r0;
    stop[nd - 2] = r1;
    start[nd - 1] = a;
    stop[nd - 1] = b;
    const raw = await read(variable.info.path, { start, stop });
    const w = b - a;
    for (let t = 0; t < steps; t++) {
      for (let r = 0; r < height; r++) {
        const target = out.subarray(
          (t * height + r) * width + colOffset,
          (t * height + r) * width + colOffset + w,
        );
        variable.decoder.decode(raw, target, (t * height + r) * w);
      }
    }
    colOffset += w;
  }
  return out;
}
