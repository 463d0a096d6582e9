import {
  ComputeConfigError,
  DEFAULT_MOUNT_PATH,
  k8sJobManifest,
  parseSelectArg,
  parseShard,
  type SelectValue,
  shardFromEnv,
} from "../../../compute/index.js";
import { computePhase } from "../../phases/compute/compute-phase.js";
import { isLocalWorkdir } from "../../project/workspace.js";
import { type Command, EXIT, option, positiveInt, UsageError } from "../command.js";
import { cliContext, GLOBAL_FLAGS, GLOBAL_VALUE_OPTIONS, projectArg, report } from "../context.js";
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
  usage: `usage: refs compute <proj> [--serial | --workers N] [--shard i/N] [--select DIM=VALUE | DIM[INDEX]]...
                    [--unit ID]... [--bbox W,S,E,N] [--wipe] [--workdir DIR] [--json] [-q]
       refs compute <proj> --k8s --image IMAGE --pvc CLAIM [--mount-path PATH] --completions N
                    [--parallelism P] [--cpu C] [--memory M]

  --serial        run units one after another in this process (the default)
  --workers N     run units on N worker threads
  --shard i/N     compute only shard i of N (units k with k mod N = i); also taken from a Kubernetes Indexed
                  Job's JOB_COMPLETION_INDEX and JOB_COMPLETIONS
  --select level=850   keep one element of an extra dimension, by coordinate value (or level[3]: by 0-based
                  index); repeatable, over the project's compute.select. Unselected extra dimensions give one
                  column per element, named <var>_<dim><value>
  --unit ID       compute only this unit (repeatable; refs units <proj> lists them)
  --bbox W,S,E,N  compute only units whose h0 cell's bounds meet this box (degrees)
  --wipe          delete the output and start over (otherwise finished units are skipped); with --unit or
                  --bbox, only the selected units' partitions and records
  --k8s           print an Indexed Job manifest that runs this command as N shards (--completions, default 4;
                  122 with compute.units "h0": one pod per h0 cell, pod i = unit i); the pods mount the
                  workdir (the folder holding <proj>/project.json and its references) from the
                  PersistentVolumeClaim --pvc (ReadWriteMany, so pods on several nodes share it) at
                  --mount-path (default ${DEFAULT_MOUNT_PATH}) and use it as their --workdir
  --workdir DIR   a local folder or an s3:// / gs:// prefix (then the output goes there too, unless the
                  project's compute.output says otherwise)`,
  valueOptions: [
    ...GLOBAL_VALUE_OPTIONS,
    "workers",
    "shard",
    "select",
    "unit",
    "bbox",
    "image",
    "completions",
    "parallelism",
    "cpu",
    "memory",
    "pvc",
    "mount-path",
  ],
  flags: [...GLOBAL_FLAGS, "serial", "wipe", "k8s"],
  async run(args) {
    const ctx = cliContext(args);
    // the manifest mounts a local workdir from a volume; a workdir URL runs anywhere without one
    if (args.flags.has("k8s") && !isLocalWorkdir(ctx.workdir)) {
      throw new UsageError(
        `--k8s mounts the workdir from --pvc: give a local folder, got "${ctx.workdir}" (or run ` +
          "`refs compute` itself in the pods with --workdir set to the URL)",
      );
    }
    const ws = projectArg(args, ctx);
    if (args.flags.has("k8s")) {
      const image = option(args, "image");
      if (!image) throw new UsageError("--k8s needs --image (a container image with refs installed)");
      const pvc = option(args, "pvc");
      if (!pvc) {
        throw new UsageError(
          "--k8s needs --pvc (a PersistentVolumeClaim, ReadWriteMany, holding the workdir with this project)",
        );
      }
      const mountPath = option(args, "mount-path") ?? DEFAULT_MOUNT_PATH;
      if (!mountPath.startsWith("/"))
        throw new UsageError(`--mount-path must be absolute, got "${mountPath}"`);
      const cpu = option(args, "cpu");
      const memory = option(args, "memory");
      // with one unit per h0 cell, one pod per unit by default: pod i computes the i-th h0 cell
      const layout = (await ws.loadConfig()).compute.units;
      const completions = positiveInt(args, "completions", layout === "h0" ? 122 : 4);
      console.log(
        k8sJobManifest({
          project: ws.name,
          image,
          pvc,
          mountPath,
          completions,
          parallelism: positiveInt(args, "parallelism", completions),
          ...(cpu ? { cpu } : {}),
          ...(memory ? { memory } : {}),
          args: [
            ...(args.options.get("select") ?? []).flatMap((s) => ["--select", s]),
            ...(args.options.get("unit") ?? []).flatMap((s) => ["--unit", s]),
            ...(args.options.get("bbox") ?? []).flatMap((s) => ["--bbox", s]),
          ],
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
    const bbox = bboxOption(option(args, "bbox"));
    const units = args.options.get("unit");
    const { status, summary } = await computePhase(ws, {
      workers,
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
