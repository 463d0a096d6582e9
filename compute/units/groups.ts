/**
 * Units run together in groups so that a source block several of them need is read once for the group instead of
 * once per unit (a global chunk is needed by every h0 cell: 122 reads of it without groups). A group holds units
 * with the same time windows, in plan order (neighbouring h0 cells share blocks most), and is bounded by the rows
 * its partitions may hold at once (each held densely until written): the sum of the units' estimates stays under
 * `maxRows`, and a unit above that on its own is a group of one. Units remain what is committed: each still writes
 * its partitions and its own record.
 */
import { getHexagonAreaAvg, UNITS } from "h3-js";
import { pixelSpacingKm } from "../cells/scale.js";
import type { Grid } from "../grid/types.js";
import type { WorkUnit } from "./plan.js";

/** Rows of partitions a group holds at once by default (about 13 bytes each: ~400 MB). */
export const GROUP_ROWS = 32_000_000;

export function groupUnits(
  units: WorkUnit[],
  estimate: (unit: WorkUnit) => number,
  maxRows = GROUP_ROWS,
): WorkUnit[][] {
  const bySpan = new Map<string, WorkUnit[]>();
  for (const u of units) {
    const key = u.windows.map((w) => `${w.start}-${w.stop}`).join(",");
    bySpan.set(key, [...(bySpan.get(key) ?? []), u]);
  }
  const groups: WorkUnit[][] = [];
  for (const same of bySpan.values()) {
    let group: WorkUnit[] = [];
    let rows = 0;
    for (const u of same) {
      const n = estimate(u);
      if (group.length > 0 && rows + n > maxRows) {
        groups.push(group);
        group = [];
        rows = 0;
      }
      group.push(u);
      rows += n;
    }
    if (group.length > 0) groups.push(group);
  }
  return groups;
}

/**
 * An upper estimate of a unit's rows over all its windows: its blocks' pixels (times cells per pixel where cells
 * are smaller) but no more than an h0 cell has cells at `res`, times the time steps. Only sizes groups.
 */
export function rowEstimator(grid: Grid, res: number, timeSteps: boolean): (unit: WorkUnit) => number {
  const { dy, dx } = pixelSpacingKm(grid, Math.floor(grid.ny / 2), Math.floor(grid.nx / 2));
  const pixelArea = (Number.isFinite(dy) ? dy : dx) * (Number.isFinite(dx) ? dx : dy);
  const perPixel = Math.max(
    1,
    Number.isFinite(pixelArea) ? pixelArea / getHexagonAreaAvg(res, UNITS.km2) : 1,
  );
  const h0Cells = 7 ** res;
  return (unit) => {
    let pixels = 0;
    for (const b of unit.blocks) pixels += (b.y1 - b.y0) * (b.x1 - b.x0);
    const steps = timeSteps ? unit.windows.reduce((n, w) => n + w.stop - w.start, 0) : 1;
    return Math.min(h0Cells, pixels * perPixel) * steps;
  };
}
