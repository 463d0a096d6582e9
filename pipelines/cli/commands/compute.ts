import {
  ComputeConfigError,
  k8sJobManifest,
  parseSelectArg,
  parseShard,
  type SelectValue,
  shardFromEnv,
} from "../../../compute/index.js";
import { computePhase } from "../../phases/compute/compute-phase.js";
import { type Command, EXIT, option, positiveInt, UsageError } from "../command.js";
import { cliContext, GLOBAL_FLAGS, GLOBAL_VALUE_OPTIONS, projectArg, report } from "../context.js";

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
  summary: "H3-indexed Parquet read through the references (--serial, --workers N, --shard i/N, --k8s)",
  usage: `usage: refs compute <proj> [--serial | --workers N] [--shard i/N] [--select DIM=VALUE | DIM[INDEX]]...
                    [--wipe] [--workdir DIR] [--json] [-q]
       refs compute <proj> --k8s --image IMAGE --completions N [--parallelism P] [--cpu C] [--memory M]

  --serial        run units one after another in this process (the default)
  --workers N     run units on N worker threads
  --shard i/N     compute only shard i of N (units k with k mod N = i); also taken from a Kubernetes Indexed
                  Job's JOB_COMPLETION_INDEX and JOB_COMPLETIONS
  --select level=850   keep one element of an extra dimension, by coordinate value (or level[3]: by 0-based
                  index); repeatable, over the project's compute.select. Unselected extra dimensions give one
                  column per element, named <var>_<dim><value>
  --wipe          delete the output and start over (otherwise finished units are skipped)
  --k8s           print an Indexed Job manifest that runs this command as N shards`,
  valueOptions: [
    ...GLOBAL_VALUE_OPTIONS,
    "workers",
    "shard",
    "select",
    "image",
    "completions",
    "parallelism",
    "cpu",
    "memory",
  ],
  flags: [...GLOBAL_FLAGS, "serial", "wipe", "k8s"],
  async run(args) {
    const ctx = cliContext(args);
    const ws = projectArg(args, ctx);
    if (args.flags.has("k8s")) {
      const image = option(args, "image");
      if (!image) throw new UsageError("--k8s needs --image (a container image with refs installed)");
      const workdir = option(args, "workdir") ?? ctx.env.REFS_WORKDIR;
      const cpu = option(args, "cpu");
      const memory = option(args, "memory");
      console.log(
        k8sJobManifest({
          project: ws.name,
          image,
          completions: positiveInt(args, "completions", 4),
          parallelism: positiveInt(args, "parallelism", positiveInt(args, "completions", 4)),
          ...(cpu ? { cpu } : {}),
          ...(memory ? { memory } : {}),
          ...(workdir ? { args: ["--workdir", workdir] } : {}),
        }).trimEnd(),
      );
      return EXIT.ok;
    }
    if (args.flags.has("serial") && args.options.has("workers"))
      throw new UsageError("give --serial or --workers, not both");
    const shardText = option(args, "shard");
    const shard = shardText ? parseShard(shardText) : shardFromEnv(ctx.env);
    const workers = args.options.has("workers") ? positiveInt(args, "workers", 1) : 0;
    const select = selectOptions(args.options.get("select") ?? []);
    const { status, summary } = await computePhase(ws, {
      workers,
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
