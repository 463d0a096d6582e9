/**
 * Reads a unit's values of one variable into the mapping's buffer layout, decoded: one buffer per column of the
 * variable, each `steps` planes of rows x (concatenated column intervals), NaN where missing. The elements of
 * extra dimensions the columns need are read in one region, so a chunk holding several levels or bands is
 * fetched once, not once per column.
 */
import type { CellMapping } from "./cells/mapping.js";
import type { Decoder } from "./cf/decode.js";
import { decoderAt } from "./cf/per-file.js";
import type { Column, Variable } from "./prepare.js";
import type { ArrayReader, NumericArray } from "./source.js";

export interface UnitAxes {
  timeAxis: number;
  yAxis: number;
  xAxis: number;
}

export async function readUnitColumns(
  read: ArrayReader,
  variable: Variable,
  columns: Column[],
  axes: UnitAxes,
  time: [number, number] | undefined,
  mapping: CellMapping,
  /** Buffers of an earlier call to fill again when their size fits (each element is written). */
  reuse?: Float64Array[],
): Promise<Float64Array[]> {
  const nd = variable.info.shape.length;
  const [r0, r1] = mapping.rows;
  const height = r1 - r0;
  const width = mapping.columns.reduce((s, [a, b]) => s + b - a, 0);
  const steps = time ? time[1] - time[0] : 1;
  const size = steps * height * width;
  const outs = columns.map((_, k) => (reuse?.[k]?.length === size ? reuse[k] : new Float64Array(size)));
  // Extra dimensions: the span of elements the columns pick (one element when selected).
  const start = new Array<number>(nd).fill(0);
  const stop = new Array<number>(nd).fill(1);
  for (let d = 0; d < nd; d++) {
    const picked = columns.flatMap((c) => c.picks.filter((p) => p.axis === d).map((p) => p.index));
    if (picked.length === 0) continue;
    start[d] = Math.min(...picked);
    stop[d] = Math.max(...picked) + 1;
  }
  if (time && axes.timeAxis >= 0) {
    start[axes.timeAxis] = time[0];
    stop[axes.timeAxis] = time[1];
  }
  start[axes.yAxis] = r0;
  stop[axes.yAxis] = r1;
  let colOffset = 0;
  for (const [a, b] of mapping.columns) {
    start[axes.xAxis] = a;
    stop[axes.xAxis] = b;
    const raw = await read(variable.info.path, { start: [...start], stop: [...stop] });
    const strides = cOrderStrides(start.map((s, d) => (stop[d] as number) - s));
    const w = b - a;
    const st = axes.timeAxis >= 0 ? (strides[axes.timeAxis] as number) : 0;
    const sy = strides[axes.yAxis] as number;
    const sx = strides[axes.xAxis] as number;
    const row = sx === 1 ? undefined : new Float64Array(w);
    columns.forEach((column, k) => {
      let base = 0;
      for (const p of column.picks)
        base += (p.index - (start[p.axis] as number)) * (strides[p.axis] as number);
      const out = outs[k] as Float64Array;
      for (let t = 0; t < steps; t++) {
        const decoder = decoderFor(variable, column, axes, time ? time[0] + t : 0);
        for (let r = 0; r < height; r++) {
          const at = (t * height + r) * width + colOffset;
          const target = out.subarray(at, at + w);
          const from = base + t * st + r * sy;
          if (!row) decoder.decode(raw, target, from);
          else {
            // Interleaved samples (a chunky TIFF's bands): gather the row's samples first.
            gather(raw, from, sx, row);
            decoder.decode(row, target, 0);
          }
        }
      }
    });
    colOffset += w;
  }
  return outs;
}

/** The decoder of one time step of a column: the step's own file's packing where files packed differently. */
function decoderFor(variable: Variable, column: Column, axes: UnitAxes, step: number): Decoder {
  const perFile = variable.perFile;
  if (!perFile) return variable.decoder;
  return decoderAt(perFile, (axis) =>
    axis === axes.timeAxis ? step : (column.picks.find((p) => p.axis === axis)?.index ?? 0),
  );
}

function cOrderStrides(shape: number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--)
    strides[d] = (strides[d + 1] as number) * (shape[d + 1] as number);
  return strides;
}

function gather(
  raw: NumericArray | ArrayLike<number>,
  from: number,
  stride: number,
  row: Float64Array,
): void {
  for (let i = 0; i < row.length; i++) row[i] = Number(raw[from + i * stride]);
}
