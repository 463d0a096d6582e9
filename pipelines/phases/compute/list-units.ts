import { type Bbox, listUnits, type UnitPlan } from "../../../compute/index.js";
import type { Workspace } from "../../project/workspace.js";
import { readStatus } from "../../status/phase-status.js";
import { computeConfigOf } from "./compute-phase.js";
import projectIO from "./io.js";
import { dataVariables } from "./variables.js";

/** The project's work units with their state; units the last compute run (or its shards) recorded as failed
 * and that have no completion record since are "failed". */
export async function projectUnits(
  ws: Workspace,
  select: { units?: string[]; bbox?: Bbox } = {},
): Promise<UnitPlan> {
  const config = await ws.loadConfig();
  const io = await projectIO({ workdir: ws.workdir, project: ws.name });
  const status = await readStatus(ws, "compute");
  const failed = new Set(status.failures.map((f) => f.item));
  return listUnits(io, computeConfigOf(config, dataVariables(io.refs)), { ...select, failed });
}
