/**
 * `workers: N`: units run on N worker threads. Each worker builds its own ComputeIO from the IOModule, prepares
 * once, then takes unit ids from a shared queue; the main thread only hands out ids and collects records.
 */
import type { ComputeConfig } from "../config.js";
import type { IOModule, RunOptions } from "../run.js";
import type { WorkUnit } from "../units/plan.js";
import type { UnitRecord } from "../units/record.js";
import { WorkerPool } from "./pool.js";

export async function runUnitsOnWorkers(
  ioModule: IOModule,
  config: ComputeConfig,
  units: WorkUnit[],
  options: RunOptions,
  onRecord: (r: UnitRecord) => void,
  onFailure: (unit: WorkUnit, error: unknown) => void,
): Promise<void> {
  const size = Math.min(options.workers ?? 1, units.length);
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
      units.map(async (u) => {
        let record: UnitRecord;
        try {
          record = await pool.run<UnitRecord>({ unit: u.id });
        } catch (error) {
          onFailure(u, error);
          return;
        }
        onRecord(record);
      }),
    );
  } finally {
    await pool.close();
  }
}
