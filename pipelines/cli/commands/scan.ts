import { combineScans } from "../../phases/scan/combine-scans.js";
import { scanPhase } from "../../phases/scan/scan-phase.js";
import { isLocalWorkdir } from "../../project/workspace.js";
import { type Command, EXIT, option, positiveInt, UsageError } from "../command.js";
import { cliContext, GLOBAL_FLAGS, GLOBAL_VALUE_OPTIONS, projectArg, report } from "../context.js";
import { K8S_USAGE, K8S_VALUE_OPTIONS, k8sManifestFromArgs } from "../k8s-args.js";
import { resolveShard } from "../shard-args.js";

export const scanCommand: Command = {
  name: "scan",
  usage: `usage: refs scan <proj> [--concurrency N] [--wipe] [--workdir DIR] [--json] [-q | -v]
       refs scan <proj> --shard i/N [--concurrency N]      (or an array job's variables, see below)
       refs scan <proj> --combine
       refs scan <proj> --k8s --image IMAGE [--completions N] [--combine] ...

  Samples a few files first (chunks per file, chunk size, expected size of the reference set) and picks JSON or
  Parquet references from that; then scans every file concurrently and combines them. Files scanned by an earlier
  run (or by shards) are not scanned again; failed files are retried. --wipe starts over. -v prints a line per
  file (chunks, requests and bytes read; or kept from an earlier run; or why it failed).

  --shard i/N     scan only the files k with k mod N = i (in URL order) and record each file's result, with the
                  shard's status in status/scan.shard-<i>-of-<N>.json; no combine. A rerun (or a second process
                  on the same shard) keeps the files already scanned. Also taken from an array job: a Kubernetes
                  Indexed Job (JOB_COMPLETION_INDEX, JOB_COMPLETIONS), a Cloud Run Job (CLOUD_RUN_TASK_INDEX,
                  CLOUD_RUN_TASK_COUNT) or an AWS Batch array job (AWS_BATCH_JOB_ARRAY_INDEX with --shard-count N
                  or REFS_SHARD_COUNT)
  --shard-count N the shard count when the array job gives only an index
  --combine       combine the files' results into the reference set, once every shard is done; refuses, naming
                  them, when files have no result (a plain \`refs scan\` or \`refs run\` scans those and combines)
${K8S_USAGE}
                  (--completions default 4); with --combine, a one-pod Job running the combine`,
  valueOptions: [...GLOBAL_VALUE_OPTIONS, "concurrency", "shard", "shard-count", ...K8S_VALUE_OPTIONS],
  flags: [...GLOBAL_FLAGS, "wipe", "combine", "k8s"],
  async run(args) {
    const ctx = cliContext(args);
    const combine = args.flags.has("combine");
    if (args.flags.has("k8s")) {
      const ws = projectArg(args, ctx);
      const manifest = await k8sManifestFromArgs(args, ctx, {
        phase: "scan",
        project: ws.name,
        defaultCompletions: async () => 4,
        ...(combine ? { indexed: false } : {}),
        podArgs: [
          ...(combine ? ["--combine"] : []),
          ...(args.options.get("concurrency") ?? []).flatMap((c) => ["--concurrency", c]),
        ],
      });
      // a local project is checked now (a typo would fail only in the pods); a workdir URL may be readable only
      // from the pods, so it is not read here
      if (isLocalWorkdir(ctx.workdir)) await ws.loadConfig();
      console.log(manifest);
      return EXIT.ok;
    }
    const ws = projectArg(args, ctx);
    const concurrency = positiveInt(args, "concurrency", 8);
    const quiet = ctx.quiet || ctx.json;
    if (combine) {
      if (args.options.has("shard") || args.options.has("shard-count"))
        throw new UsageError("--combine runs once for every shard: drop --shard/--shard-count");
      if (args.flags.has("wipe")) throw new UsageError("--combine and --wipe do not go together");
    }
    const shard = combine
      ? undefined
      : resolveShard({ shard: option(args, "shard"), shardCount: option(args, "shard-count") }, ctx.env);
    const { status, plan, combined } = combine
      ? await combineScans(ws, { quiet, verbose: ctx.verbose })
      : await scanPhase(ws, {
          wipe: args.flags.has("wipe"),
          concurrency,
          quiet,
          verbose: ctx.verbose,
          ...(shard ? { shard } : {}),
        });
    const c = status.counts;
    const what = combine
      ? `scan combine ${status.state}: ${c.done} files combined, ${c.failed} left out (failed in their shard) of ${c.total}`
      : `scan${shard ? ` shard ${shard.index}/${shard.count}` : ""} ${status.state}: ${c.done} scanned, ` +
        `${c.skipped} unchanged, ${c.failed} failed of ${c.total} files`;
    report(
      ctx,
      { status, plan, references: combined, ...(shard ? { shard } : {}) },
      what +
        (combined ? `\nreferences: ${combined.path}` : "") +
        (shard ? `\nthen, once every shard is done: refs scan ${ws.name} --combine` : ""),
    );
    if (status.state === "failed") return EXIT.failure;
    return status.state === "partial" ? EXIT.partial : EXIT.ok;
  },
};
