/**
 * Work units own whole hive partitions, so no two units ever write one file. A partition is one resolution-0
 * (h0) cell x one time window. Layout "partition" (the default): a unit is one partition, id `<h0>_<window>`
 * (`<h0>` without time). Layout "h0": a unit is one h0 cell with every window, id `<h0>`, so a Kubernetes job of
 * 122 completions runs one pod per h0 cell. Every h0 cell gets its units whether or not the grid reaches it: ids
 * and order (base cell number, windows inside) are the same for any grid, and a unit the grid does not reach
 * (`valid` false) has no blocks and finishes at once. The blocks a unit reads are the chunk-aligned source blocks
 * whose box may hold centres of the h0 cell's descendants.
 */
import type { Box } from "../cells/candidates.js";
import type { Block } from "../cells/mapping.js";
import { type Bbox, h0Regions, regionMeets } from "./h0-regions.js";
import type { Window } from "./windows.js";

export type UnitLayout = "partition" | "h0";

export interface WorkUnit {
  id: string;
  /** Base cell number 0..121 of the unit's h0 cell. */
  base: number;
  h0: string;
  windows: Window[];
  /** Source blocks that may hold the h0 cell's cells (empty: the grid does not reach it). */
  blocks: Block[];
  bounds: Bbox;
}

/** Source blocks of `step` rows x `step` columns (chunk multiples) covering the grid, with their boxes. */
export function planBlocks(ny: number, nx: number, step: { y: number; x: number }): Block[] {
  const blocks: Block[] = [];
  for (let y0 = 0; y0 < ny; y0 += step.y) {
    for (let x0 = 0; x0 < nx; x0 += step.x) {
      blocks.push({ y0, y1: Math.min(ny, y0 + step.y), x0, x1: Math.min(nx, x0 + step.x) });
    }
  }
  return blocks;
}

export function planUnits(
  blocks: { block: Block; box: Box }[],
  windows: Window[],
  layout: UnitLayout,
): WorkUnit[] {
  const units: WorkUnit[] = [];
  for (const region of h0Regions()) {
    const mine = blocks.filter((b) => regionMeets(region, b.box)).map((b) => b.block);
    const base = { base: region.base, h0: region.hex, blocks: mine, bounds: region.bounds };
    if (layout === "h0") {
      units.push({ id: region.hex, windows, ...base });
      continue;
    }
    for (const w of windows)
      units.push({ id: w.value ? `${region.hex}_${w.value}` : region.hex, windows: [w], ...base });
  }
  return units;
}
