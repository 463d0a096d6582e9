/**
 * Worker thread for worker-errors.test.ts: each task makes a real failure happen in this thread (a grid with one
 * dimension, a scan of a missing file, a scan of a broken file) and replies with the error as the pools do.
 */
import { parentPort } from "node:worker_threads";
import { detectGrid } from "../../../compute/grid/detect.js";
import { errorReply } from "../../../compute/workers/pool.js";
import { emptyReferenceSet } from "../../../refs/model/reference-set.js";
import { FileSource } from "../../../refs/storage/file.js";
import { scanFile } from "../../../scanner/index.js";

async function fail(task: { kind: string; path: string }): Promise<void> {
  if (task.kind === "grid") {
    const refs = emptyReferenceSet();
    const zarray = { zarr_format: 2, shape: [4], chunks: [4], dtype: "<f4", compressor: null, filters: null };
    refs.metadata.set("v/.zarray", { ...zarray, fill_value: null, order: "C" });
    refs.metadata.set("v/.zattrs", { _ARRAY_DIMENSIONS: ["x"] });
    await detectGrid(refs, "v", async () => {
      throw new Error("no read expected");
    });
  }
  await scanFile(new FileSource(task.path), task.path);
}

parentPort?.on("message", async (task: { kind: string; path: string }) => {
  try {
    await fail(task);
    parentPort?.postMessage({ ok: true, value: "no failure" });
  } catch (e) {
    parentPort?.postMessage(errorReply(e));
  }
});
