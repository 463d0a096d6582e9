/**
 * What `refs units <proj>` shows: every unit of the project's plan with its id, h0 cell, time span, bounds,
 * whether the grid reaches it (valid: it has source blocks that may hold its cells) and its state from the
 * completion records (done: recorded under this configuration and span; pending otherwise; the caller marks the
 * ones its phase status lists as failed).
 */

import type { ComputeConfig } from "../config.js";
import { normalizeConfig } from "../config.js";
import { prepare } from "../prepare.js";
import type { ComputeIO } from "../run.js";
import { unitSpan } from "../unit.js";
import type { Bbox } from "./h0-regions.js";
import { readAllRecords } from "./record.js";
import { selectUnits } from "./select.js";

export interface UnitListing {
  id: string;
  h0: string;
  /** First and last time step of the unit (ISO 8601), when the data has time. */
  time?: [string, string];
  bounds: Bbox;
  valid: boolean;
  state: "done" | "pending" | "failed";
  rows?: number;
  files?: number;
}

export interface UnitPlan {
  units: UnitListing[];
  window: string;
  windowReason: string;
  resolution: number;
  layout: string;
}

export async function listUnits(
  io: ComputeIO,
  config: ComputeConfig,
  options: { units?: string[]; bbox?: Bbox; failed?: Set<string> } = {},
): Promise<UnitPlan> {
  const normalized = normalizeConfig(config);
  const p = await prepare(io.refs, normalized, io.read);
  const records = await readAllRecords(io.output);
  const iso = (step: number) => new Date((p.timesMs as Float64Array)[step] as number).toISOString();
  const units = selectUnits(p.units, options).map((u): UnitListing => {
    const r = records.get(u.id);
    const done = r?.configHash === p.configHash && (r.span === undefined || r.span === unitSpan(u));
    const first = u.windows[0];
    const last = u.windows.at(-1);
    return {
      id: u.id,
      h0: u.h0,
      ...(p.timesMs && first && last && last.stop > first.start
        ? { time: [iso(first.start), iso(last.stop - 1)] as [string, string] }
        : {}),
      bounds: u.bounds,
      valid: u.blocks.length > 0,
      state: done ? "done" : options.failed?.has(u.id) ? "failed" : "pending",
      ...(done && r ? { rows: r.rows, files: r.files.length } : {}),
    };
  });
  return {
    units,
    window: p.window,
    windowReason: p.windowReason,
    resolution: p.config.resolution,
    layout: p.config.units,
  };
}
