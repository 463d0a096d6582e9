import type { Grid, GridSpec } from "../grid/types.js";
import { WorkerPool } from "../workers/pool.js";
import type { Box } from "./candidates.js";
import type { CellLevel } from "./children.js";
import { cellsOfPoints } from "./h3.js";
import type { Block } from "./mapping.js";
import { sampleCells } from "./sample-cells.js";

/** Computes the H3 cell key (see h3.ts) of every pixel centre of a rectangle of the grid. */
export interface PixelCells {
  cells(y0: number, y1: number, x0: number, x1: number, res: number): Promise<Float64Array>;
  /** Sampling: descendants of seed cells whose centre lies on the block, with the pixel under each (sampleCells). */
  sample(
    block: Block,
    res: number,
    seeds: CellLevel,
    box: Box,
  ): Promise<{ keys: Float64Array; positions: Uint32Array }>;
  close(): Promise<void>;
}

/** In the calling thread: for small grids, where starting workers costs more than it saves. */
export function inlinePixelCells(grid: Grid): PixelCells {
  return {
    async cells(y0, y1, x0, x1, res) {
      const { lat, lng } = grid.centres(y0, y1, x0, x1);
      return cellsOfPoints(lat, lng, res);
    },
    async sample(block, res, seeds, box) {
      return sampleCells(grid, block, res, seeds, box);
    },
    async close() {},
  };
}

/** Rows split across worker threads (h3-js runs about 0.4 M points/s per thread). */
export function workerPixelCells(spec: GridSpec, threads: number): PixelCells {
  const pool = new WorkerPool(import.meta.url, "mapping-worker", { spec }, threads);
  return {
    async cells(y0, y1, x0, x1, res) {
      const rows = y1 - y0;
      const parts = Math.min(rows, pool.size * 4);
      const bounds = Array.from({ length: parts + 1 }, (_, i) => y0 + Math.round((rows * i) / parts));
      const pieces = await Promise.all(
        bounds
          .slice(0, -1)
          .map((a, i) => pool.run<Float64Array>({ kind: "cells", y0: a, y1: bounds[i + 1], x0, x1, res })),
      );
      const out = new Float64Array(rows * (x1 - x0));
      let offset = 0;
      for (const p of pieces) {
        out.set(p, offset);
        offset += p.length;
      }
      return out;
    },
    sample: (block, res, seeds, box) => pool.run({ kind: "sample", block, res, seeds, box }),
    close: () => pool.close(),
  };
}
