import { ComputeConfigError, parseBbox } from "../../../compute/index.js";
import { projectUnits } from "../../phases/compute/list-units.js";
import { type Command, EXIT, option, UsageError } from "../command.js";
import { cliContext, GLOBAL_FLAGS, GLOBAL_VALUE_OPTIONS, projectArg, report } from "../context.js";

/** `--bbox W,S,E,N` for the CLI: a bad box is a usage error. */
export function bboxOption(text: string | undefined): [number, number, number, number] | undefined {
  if (text === undefined) return undefined;
  try {
    return parseBbox(text);
  } catch (e) {
    if (e instanceof ComputeConfigError) throw new UsageError(`--bbox: ${e.detail}`);
    throw e;
  }
}

export const unitsCommand: Command = {
  name: "units",
  usage: `usage: refs units <proj> [--unit ID]... [--bbox W,S,E,N] [--valid] [--workdir DIR] [--json]

  A unit owns whole output partitions: one h0 cell x one time window (compute.units "partition", the default),
  or one h0 cell with all its windows (compute.units "h0"). Ids are stable across runs; give them to
  refs compute --unit ID, or pick units by area with --bbox.
  --unit ID       only this unit (repeatable)
  --bbox W,S,E,N  only units whose h0 cell's bounds meet this box (degrees)
  --valid         only units the grid reaches`,
  valueOptions: [...GLOBAL_VALUE_OPTIONS, "unit", "bbox"],
  flags: [...GLOBAL_FLAGS, "valid"],
  async run(args) {
    const ctx = cliContext(args);
    const ws = projectArg(args, ctx);
    const bbox = bboxOption(option(args, "bbox"));
    const ids = args.options.get("unit");
    let plan: Awaited<ReturnType<typeof projectUnits>>;
    try {
      plan = await projectUnits(ws, { ...(ids ? { units: ids } : {}), ...(bbox ? { bbox } : {}) });
    } catch (e) {
      if (e instanceof ComputeConfigError && e.field === "units") throw new UsageError(`--unit: ${e.detail}`);
      throw e;
    }
    const units = args.flags.has("valid") ? plan.units.filter((u) => u.valid) : plan.units;
    const count = (s: string) => units.filter((u) => u.state === s).length;
    const lines = [
      `${units.length} units (${plan.layout} layout, h0 cell x ${plan.window}, H3 resolution ${plan.resolution}): ` +
        `${units.filter((u) => u.valid).length} valid, ${count("done")} done, ${count("pending")} pending, ${count("failed")} failed`,
      ...units.map(
        (u) =>
          `${u.id.padEnd(28)} ${u.valid ? "valid  " : "no data"} ${u.state.padEnd(7)} ` +
          `bbox ${u.bounds.map((x) => x.toFixed(2)).join(",")}` +
          (u.time ? ` time ${u.time[0]}..${u.time[1]}` : "") +
          (u.rows !== undefined ? ` ${u.rows} rows in ${u.files} files` : ""),
      ),
    ];
    report(ctx, { ...plan, units }, lines.join("\n"));
    return EXIT.ok;
  },
};
