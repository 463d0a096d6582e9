/**
 * `workers: N`: units run on N worker threads. Each worker builds its own ComputeIO from the IOModule, prepares
 * once, then takes groups of unit ids (see units/groups.ts) from a shared queue; the main thread only hands out
 * ids and collects records and failures, unit by unit. Blocks that several groups read go through one spill
 * folder for all workers (compute/shared-blocks.ts), so a global chunk is read about once per run, not once per
 * group; each worker spills at most its share of maxSpillBytes.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Block } from "../cells/mapping.js";
import type { ComputeConfig } from "../config.js";
import type { IOModule, RunOptions } from "../run.js";
import { DEFAULT_MAX_SPILL_BYTES } from "../shared-blocks.js";
import type { WorkUnit } from "../units/plan.js";
import type { UnitRecord } from "../units/record.js";
import { WorkerPool } from "./pool.js";

/** A group's outcome from a worker: records of the units that finished, errors of those that failed. */
export interface GroupReply {
  records: UnitRecord[];
  failures: { unit: string; error: { name: string; message: string; stack?: string } }[];
}

/** What a worker needs to read shared blocks through the run's spill folder. */
export interface WorkerSpill {
  dir: string;
  boxes: Block[];
  maxSpillBytes: number;
}

export async function runUnitsOnWorkers(
  ioModule: IOModule,
  config: ComputeConfig,
  groups: WorkUnit[][],
  /** Boxes of the blocks two or more groups read (mappingBoxes of blocksSharedByGroups). */
  sharedBoxes: Block[],
  options: RunOptions,
  onRecord: (r: UnitRecord) => void,
  onFailure: (unit: WorkUnit, error: unknown) => void,
): Promise<void> {
  const size = Math.min(options.workers ?? 1, groups.length);
  const spillDir = sharedBoxes.length > 0 ? await mkdtemp(join(tmpdir(), "refs-shared-blocks-")) : undefined;
  const spill: WorkerSpill | undefined = spillDir
    ? {
        dir: spillDir,
        boxes: sharedBoxes,
        maxSpillBytes: Math.floor((options.maxSpillBytes ?? DEFAULT_MAX_SPILL_BYTES) / size),
      }
    : undefined;
  const pool = new WorkerPool(
    import.meta.url,
    "unit-worker",
    {
      ioModule,
      config,
      // Units already run in parallel: mapping runs inside each unit worker's own thread.
      mappingThreads: 0,
      minPixelsForWorkers: options.minPixelsForWorkers ?? 200_000,
      ...(spill ? { spill } : {}),
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
    if (spillDir) await rm(spillDir, { recursive: true, force: true });
  }
}
