/** Worker thread running work units: builds its ComputeIO from the IOModule, prepares once, runs unit ids. */
import { parentPort, workerData } from "node:worker_threads";
import { normalizeConfig } from "../config.js";
import { prepare } from "../prepare.js";
import { type ComputeIO, type IOModule, mapperFor } from "../run.js";
import { runUnit } from "../unit.js";
import { errorReply } from "./pool.js";

const data = workerData as {
  ioModule: IOModule;
  config: Parameters<typeof normalizeConfig>[0];
  mappingThreads: number;
  minPixelsForWorkers: number;
};

async function setup() {
  const mod = (await import(data.ioModule.url)) as Record<string, (args: unknown) => Promise<ComputeIO>>;
  const factory = mod[data.ioModule.name ?? "default"];
  if (typeof factory !== "function")
    throw new TypeError(`${data.ioModule.url} has no export ${data.ioModule.name ?? "default"}`);
  const io = await factory(data.ioModule.args);
  const p = await prepare(io.refs, normalizeConfig(data.config), io.read);
  const mapper = mapperFor(p, io.cacheDir, {
    mappingThreads: data.mappingThreads,
    minPixelsForWorkers: data.minPixelsForWorkers,
  });
  return { io, p, mapper };
}

const ready = setup();

parentPort?.on("message", async (task: { unit: string }) => {
  try {
    const { io, p, mapper } = await ready;
    const unit = p.units.find((u) => u.id === task.unit);
    if (!unit) throw new Error(`unit ${task.unit} is not in this worker's plan`);
    const record = await runUnit(p, unit, { read: io.read, output: io.output, mapper });
    parentPort?.postMessage({ ok: true, value: record });
  } catch (e) {
    parentPort?.postMessage(errorReply(e));
  }
});
