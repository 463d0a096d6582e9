import { ComputeConfigError, parseSelectArg, type SelectValue } from "../../../compute/index.js";
import { computePhase } from "../../phases/compute/compute-phase.js";
import { isLocalWorkdir } from "../../project/workspace.js";
import { type Command, EXIT, integerOption, option, positiveInt, UsageError } from "../command.js";
import { cliContext, GLOBAL_FLAGS, GLOBAL_VALUE_OPTIONS, projectArg, report } from "../context.js";
import { K8S_USAGE, K8S_VALUE_OPTIONS, k8sManifestFromArgs } from "../k8s-args.js";
import { resolveShard } from "../shard-args.js";
import { bboxOption } from "./units.js";

function selectOptions(texts: string[]): Record<string, SelectValue> {
  const out: Record<string, SelectValue> = {};
  for (const text of texts) {
    try {
      const [dim, value] = parseSelectArg(text);
      out[dim] = value;
    } catch (e) {
      if (e instanceof ComputeConfigError) throw new UsageError(`--select: ${e.detail}`);
      throw e;
    }
  }
  return out;
}

export const computeCommand: Command = {
  name: "compute",
  usage: `usage: refs compute <proj> [--serial | --workers N] [--group-rows N] [--shard i/N]
                    [--select DIM=VALUE | DIM[INDEX]]... [--unit ID]... [--bbox W,S,E,N] [--wipe]
                    [--workdir DIR] [--json] [-q]
       refs compute <proj> --k8s --image IMAGE [--completions N] [--pvc CLAIM [--mount-path PATH]]
                    [--service-account NAME | --secret NAME [--secret-key KEY]] [--parallelism P] [--cpu C] [--memory M]

  --serial        run units one after another in this process (the default)
  --workers N     run units on N worker threads
  --group-rows N  rows of output partitions held in memory at once (about 13 bytes each): units reading the
                  same source blocks run together up to this many, so a block is read once for them; default
                  32000000 (~400 MB); 0 runs every unit alone (least memory, most reads)
  --shard i/N     compute only shard i of N (units k with k mod N = i); also taken from an array job: a
                  Kubernetes Indexed Job (JOB_COMPLETION_INDEX, JOB_COMPLETIONS), a Cloud Run Job
                  (CLOUD_RUN_TASK_INDEX, CLOUD_RUN_TASK_COUNT) or an AWS Batch array job
                  (AWS_BATCH_JOB_ARRAY_INDEX with --shard-count N or REFS_SHARD_COUNT)
  --shard-count N the shard count when the array job gives only an index
  --select level=850   keep one element of an extra dimension, by coordinate value (or level[3]: by 0-based
                  index); repeatable, over the project's compute.select. Unselected extra dimensions give one
                  column per element, named <var>_<dim><value>
  --unit ID       compute only this unit (repeatable; refs units <proj> lists them)
  --bbox W,S,E,N  compute only units whose h0 cell's bounds meet this box (degrees)
  --wipe          delete the output and start over (otherwise finished units are skipped); with --unit or
                  --bbox, only the selected units' partitions and records
${K8S_USAGE}
                  (--completions default 4; 122 with compute.units "h0": one pod per h0 cell, pod i = unit i)
  --workdir DIR   a local folder or an s3:// / gs:// prefix (then the output goes there too, unless the
                  project's compute.output says otherwise)`,
  valueOptions: [
    ...GLOBAL_VALUE_OPTIONS,
    "workers",
    "group-rows",
    "shard",
    "shard-count",
    "select",
    "unit",
    "bbox",
    ...K8S_VALUE_OPTIONS,
  ],
  flags: [...GLOBAL_FLAGS, "serial", "wipe", "k8s"],
  async run(args) {
    const ctx = cliContext(args);
    if (args.flags.has("k8s")) {
      const ws = projectArg(args, ctx);
      const manifest = await k8sManifestFromArgs(args, ctx, {
        phase: "compute",
        project: ws.name,
        // with one unit per h0 cell, one pod per unit: pod i computes the i-th h0 cell
        defaultCompletions: async () => ((await ws.loadConfig()).compute.units === "h0" ? 122 : 4),
        podArgs: [
          ...(args.options.get("select") ?? []).flatMap((s) => ["--select", s]),
          ...(args.options.get("unit") ?? []).flatMap((s) => ["--unit", s]),
          ...(args.options.get("bbox") ?? []).flatMap((s) => ["--bbox", s]),
          ...(args.options.get("group-rows") ?? []).slice(-1).flatMap((s) => ["--group-rows", s]),
        ],
      });
      // a local project is checked now (a typo would fail only in the pods); see defaultCompletions for a URL
      if (isLocalWorkdir(ctx.workdir)) await ws.loadConfig();
      console.log(manifest);
      return EXIT.ok;
    }
    const ws = projectArg(args, ctx);
    if (args.flags.has("serial") && args.options.has("workers"))
      throw new UsageError("give --serial or --workers, not both");
    const shard = resolveShard(
      { shard: option(args, "shard"), shardCount: option(args, "shard-count") },
      ctx.env,
    );
    const workers = args.options.has("workers") ? positiveInt(args, "workers", 1) : 0;
    const groupRows = args.options.has("group-rows")
      ? integerOption(args, "group-rows", 0, { min: 0 })
      : undefined;
    const select = selectOptions(args.options.get("select") ?? []);
    const bbox = bboxOption(option(args, "bbox"));
    const units = args.options.get("unit");
    const { status, summary } = await computePhase(ws, {
      workers,
      ...(groupRows !== undefined ? { groupRows } : {}),
      ...(units ? { units } : {}),
      ...(bbox ? { bbox } : {}),
      ...(Object.keys(select).length > 0 ? { select } : {}),
      ...(shard ? { shard } : {}),
      wipe: args.flags.has("wipe"),
      quiet: ctx.quiet || ctx.json,
    });
    report(
      ctx,
      { status, summary },
      `compute ${status.state}: ${summary?.unitsRun ?? 0} units run, ${summary?.unitsAlreadyDone ?? 0} already done, ${summary?.rows ?? 0} rows`,
    );
    if (status.state === "partial") return EXIT.partial;
    return status.state === "done" ? EXIT.ok : EXIT.failure;
  },
};
