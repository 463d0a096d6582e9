/** Worker thread: H3 cells of pixel centres of regions of one grid (the grid arrives once, as workerData). */
import { parentPort, workerData } from "node:worker_threads";
import { gridFromSpec } from "../grid/from-spec.js";
import type { GridSpec } from "../grid/types.js";
import { errorReply } from "../workers/pool.js";
import { cellsOfPoints } from "./h3.js";

const grid = gridFromSpec((workerData as { spec: GridSpec }).spec);

parentPort?.on("message", (task: { y0: number; y1: number; x0: number; x1: number; res: number }) => {
  try {
    const { lat, lng } = grid.centres(task.y0, task.y1, task.x0, task.x1);
    const cells = cellsOfPoints(lat, lng, task.res);
    parentPort?.postMessage({ ok: true, value: cells }, [cells.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort?.postMessage(errorReply(e));
  }
});
