/**
 * `workers: N`: units run on N worker threads. Each worker builds its own ComputeIO from the IOModule, prepares
 * once, then takes groups of unit ids (see units/groups.ts) from a shared queue; the main thread only hands out
 * ids and collects records and failures, unit by unit.
 */
import type { ComputeConfig } from "../config.js";
import type { IOModule, RunOptions } from "../run.js";
import type { WorkUnit } from "../units/plan.js";
import type { UnitRecord } from "../units/record.js";
import { WorkerPool } from "./pool.js";

/** A group's outcome from a worker: records of the units that finished, errors of those that failed. */
export interface GroupReply {
  records: UnitRecord[];
  failures: { unit: string; error: { name: string; message: string; stack?: string } }[];
}

export async function runUnitsOnWorkers(
  ioModule: IOModule,
  config: ComputeConfig,
  groups: WorkUnit[][],
  options: RunOptions,
  onRecord: (r: UnitRecord) => void,
  onFailure: (unit: WorkUnit, error: unknown) => void,
): Promise<void> {
  const size = Math.min(options.workers ?? 1, groups.length);
  const pool = new WorkerPool(
    import.meta.url,
    "unit-worker",
    {
      ioModule,
      config,
      // Units already run in parallel: mapping runs inside each unit worker's own thread.
      mappingThreads: 0,
      minPixelsForWorkers: options.minPixelsForWorkers ?? 200_000,
    },
    size,
  );
  try {
    await Promise.all(
      groups.map(async (group) => {
        let done: GroupReply;
        try {
          done = await pool.run<GroupReply>({ units: group.map((u) => u.id) });
        } catch (error) {
          for (const u of group) onFailure(u, error);
          return;
        }
        for (const r of done.records) onRecord(r);
        for (const f of done.failures) {
          const unit = group.find((u) => u.id === f.unit) as WorkUnit;
          onFailure(unit, Object.assign(new Error(f.error.message), f.error));
        }
      }),
    );
  } finally {
    await pool.close();
  }
}
