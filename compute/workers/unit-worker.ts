/** Worker thread running work units: builds its ComputeIO from the IOModule, prepares once, runs groups of unit ids. */
import { parentPort, workerData } from "node:worker_threads";
import { normalizeConfig } from "../config.js";
import { prepare } from "../prepare.js";
import { type ComputeIO, type IOModule, mapperFor } from "../run.js";
import { SharedBlockReader } from "../shared-blocks.js";
import { runGroup, unitSpan } from "../unit.js";
import type { UnitRecord } from "../units/record.js";
import { errorReply } from "./pool.js";
import type { GroupReply, WorkerSpill } from "./units.js";

const data = workerData as {
  ioModule: IOModule;
  config: Parameters<typeof normalizeConfig>[0];
  mappingThreads: number;
  minPixelsForWorkers: number;
  spill?: WorkerSpill;
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
  // blocks several groups read: through the spill folder all workers share
  const spill = data.spill;
  const blocks = spill
    ? new SharedBlockReader(io.read, spill.boxes, p, spill.maxSpillBytes, spill.dir)
    : undefined;
  return { io, p, mapper, blocks, read: blocks?.read ?? io.read };
}

const ready = setup();
let lastSpan: string | undefined;

parentPort?.on("message", async (task: { units: string[] }) => {
  try {
    const { io, p, mapper, blocks, read } = await ready;
    const units = task.units.map((id) => {
      const unit = p.units.find((u) => u.id === id);
      if (!unit) throw new Error(`unit ${id} is not in this worker's plan`);
      return unit;
    });
    // groups come span by span (units/groups.ts): this worker's spills of an earlier span are not needed again
    // (another worker still on it reads a released block itself: reads, never values, change)
    const span = unitSpan(units[0] as (typeof units)[number]);
    if (span !== lastSpan) await blocks?.release();
    lastSpan = span;
    const records: UnitRecord[] = [];
    const failures: GroupReply["failures"] = [];
    await runGroup(
      p,
      units,
      { read, output: io.output, mapper },
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
