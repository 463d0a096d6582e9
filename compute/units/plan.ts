/**
 * Work units aligned with source chunks: a unit is `time` chunks x `y` chunks x `x` chunks of the first
 * variable (one chunk each by default), with an id like `t3_y0_x1` (`y0_x1` without time). Units are ordered
 * block by block, time inside, so consecutive units reuse one block's cell mapping.
 */
import type { Block } from "../cells/mapping.js";

export interface WorkUnit {
  id: string;
  /** Time steps [start, stop), when the data has time. */
  time?: [number, number];
  block: Block;
}

export interface UnitLayout {
  /** Number of time steps (undefined: no time dimension). */
  nt?: number;
  ny: number;
  nx: number;
  /** Chunk lengths of the first variable along time, y and x. */
  chunks: { t: number; y: number; x: number };
  /** Chunks per unit along time, y and x. */
  perUnit: { t: number; y: number; x: number };
}

export function planUnits(layout: UnitLayout): WorkUnit[] {
  const step = {
    t: Math.max(1, layout.chunks.t * layout.perUnit.t),
    y: Math.max(1, layout.chunks.y * layout.perUnit.y),
    x: Math.max(1, layout.chunks.x * layout.perUnit.x),
  };
  const units: WorkUnit[] = [];
  for (let i = 0, y0 = 0; y0 < layout.ny; i++, y0 += step.y) {
    for (let j = 0, x0 = 0; x0 < layout.nx; j++, x0 += step.x) {
      const block = { y0, y1: Math.min(layout.ny, y0 + step.y), x0, x1: Math.min(layout.nx, x0 + step.x) };
      if (layout.nt === undefined) {
        units.push({ id: `y${i}_x${j}`, block });
        continue;
      }
      for (let k = 0, t0 = 0; t0 < layout.nt; k++, t0 += step.t) {
        units.push({ id: `t${k}_y${i}_x${j}`, time: [t0, Math.min(layout.nt, t0 + step.t)], block });
      }
    }
  }
  return units;
}
