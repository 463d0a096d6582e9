/**
 * Worker thread for one grid (it arrives once, as workerData): H3 cells of pixel centres of a region, or the
 * descendants of seed cells sampled onto a block.
 */
import { parentPort, workerData } from "node:worker_threads";
import { gridFromSpec } from "../grid/from-spec.js";
import type { GridSpec } from "../grid/types.js";
import { errorReply } from "../workers/pool.js";
import type { Box } from "./candidates.js";
import type { CellLevel } from "./children.js";
import { cellsOfPoints } from "./h3.js";
import type { Block } from "./mapping.js";
import { sampleCells } from "./sample-cells.js";

const grid = gridFromSpec((workerData as { spec: GridSpec }).spec);

type Task =
  | { kind: "cells"; y0: number; y1: number; x0: number; x1: number; res: number }
  | { kind: "sample"; block: Block; res: number; seeds: CellLevel; box: Box };

parentPort?.on("message", (task: Task) => {
  try {
    if (task.kind === "sample") {
      const found = sampleCells(grid, task.block, task.res, task.seeds, task.box);
      parentPort?.postMessage({ ok: true, value: found }, [
        found.keys.buffer as ArrayBuffer,
        found.positions.buffer as ArrayBuffer,
      ]);
      return;
    }
    const { lat, lng } = grid.centres(task.y0, task.y1, task.x0, task.x1);
    const cells = cellsOfPoints(lat, lng, task.res);
    parentPort?.postMessage({ ok: true, value: cells }, [cells.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort?.postMessage(errorReply(e));
  }
});
