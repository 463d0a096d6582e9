import { scanPhase } from "../../phases/scan/scan-phase.js";
import { type Command, EXIT, positiveInt } from "../command.js";
import { cliContext, GLOBAL_FLAGS, GLOBAL_VALUE_OPTIONS, projectArg, report } from "../context.js";

export const scanCommand: Command = {
  name: "scan",
  usage: `usage: refs scan <proj> [--concurrency N] [--wipe] [--workdir DIR] [--json] [-q | -v]

  Samples a few files first (chunks per file, chunk size, expected size of the reference set) and picks JSON or
  Parquet references from that; then scans every file concurrently and combines them. Files scanned by an earlier
  run are not scanned again; failed files are retried. --wipe starts over. -v prints a line per file (chunks,
  requests and bytes read; or kept from an earlier run; or why it failed).`,
  valueOptions: [...GLOBAL_VALUE_OPTIONS, "concurrency"],
  flags: [...GLOBAL_FLAGS, "wipe"],
  async run(args) {
    const ctx = cliContext(args);
    const ws = projectArg(args, ctx);
    const concurrency = positiveInt(args, "concurrency", 8);
    const { status, plan, combined } = await scanPhase(ws, {
      wipe: args.flags.has("wipe"),
      concurrency,
      quiet: ctx.quiet || ctx.json,
      verbose: ctx.verbose,
    });
    const c = status.counts;
    report(
      ctx,
      { status, plan, references: combined },
      `scan ${status.state}: ${c.done} scanned, ${c.skipped} unchanged, ${c.failed} failed of ${c.total} files` +
        (combined ? `\nreferences: ${combined.path}` : ""),
    );
    if (status.state === "failed") return EXIT.failure;
    return status.state === "partial" ? EXIT.partial : EXIT.ok;
  },
};
