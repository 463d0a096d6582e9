/** Worker thread running work units: builds its ComputeIO from the IOModule, prepares once, runs groups of unit ids. */
import { parentPort, workerData } from "node:worker_threads";
import { normalizeConfig } from "../config.js";
import { prepare } from "../prepare.js";
import { type ComputeIO, type IOModule, mapperFor } from "../run.js";
import { runGroup } from "../unit.js";
import type { UnitRecord } from "../units/record.js";
import { errorReply } from "./pool.js";
import type { GroupReply } from "./units.js";

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

parentPort?.on("message", async (task: { units: string[] }) => {
  try {
    const { io, p, mapper } = await ready;
    const units = task.units.map((id) => {
      const unit = p.units.find((u) => u.id === id);
      if (!unit) throw new Error(`unit ${id} is not in this worker's plan`);
      return unit;
    });
    const records: UnitRecord[] = [];
    const failures: GroupReply["failures"] = [];
    await runGroup(
      p,
      units,
      { read: io.read, output: io.output, mapper },
      (r) => records.push(r),
      (unit, error) => {
        const reply = errorReply(error);
        if (!reply.ok) failures.push({ unit: unit.id, error: reply.error });
      },
    );
    parentPort?.postMessage({ ok: true, value: { records, failures } satisfies GroupReply });
  } catch (e) {
    parentPort?.postMessage(errorReply(e));
  }
});
