import { catalogPhase } from "../../phases/catalog/catalog-phase.js";
import { computePhase } from "../../phases/compute/compute-phase.js";
import { scanPhase } from "../../phases/scan/scan-phase.js";
import { validatePhase } from "../../phases/validate-phase.js";
import type { PhaseStatus } from "../../status/phase-status.js";
import { type Command, EXIT, option, positiveInt } from "../command.js";
import { cliContext, GLOBAL_FLAGS, GLOBAL_VALUE_OPTIONS, projectArg, report } from "../context.js";
import { catalogPgUrl } from "./catalog.js";

export const runCommand: Command = {
  name: "run",
  usage: `usage: refs run <proj> [--workers N] [--wipe] [--stac-schemas DIR] [--pg URL] [--workdir DIR]
                [--json] [-q | -v]

  Each phase skips what earlier runs finished; --wipe starts every phase over. A phase that fails outright stops
  the run; one that partly fails (some files or checks) is recorded and the run goes on. --pg (or $REFS_PG_URL):
  the catalog goes into that PostgreSQL database, as with \`refs catalog --pg\`.`,
  valueOptions: [...GLOBAL_VALUE_OPTIONS, "workers", "stac-schemas", "pg"],
  flags: [...GLOBAL_FLAGS, "wipe"],
  async run(args) {
    const ctx = cliContext(args);
    const ws = projectArg(args, ctx);
    const quiet = ctx.quiet || ctx.json;
    const wipe = args.flags.has("wipe");
    const schemasDir = option(args, "stac-schemas") ?? ctx.env.REFS_STAC_SCHEMAS;
    const workers = args.options.has("workers") ? positiveInt(args, "workers", 1) : 0;
    const pgUrl = catalogPgUrl(args, ctx);
    const statuses: PhaseStatus[] = [];
    const phases: [string, () => Promise<PhaseStatus>][] = [
      ["scan", async () => (await scanPhase(ws, { wipe, quiet, verbose: ctx.verbose })).status],
      ["validate", async () => (await validatePhase(ws, { force: wipe, quiet })).status],
      ["compute", async () => (await computePhase(ws, { wipe, quiet, workers })).status],
      [
        "catalog",
        async () =>
          (
            await catalogPhase(ws, {
              quiet,
              ...(schemasDir ? { schemasDir } : {}),
              ...(pgUrl ? { pgUrl } : {}),
            })
          ).status,
      ],
    ];
    for (const [name, phase] of phases) {
      if (!quiet) console.error(`== ${name}`);
      const status = await phase();
      statuses.push(status);
      if (status.state === "failed") break;
    }
    const text = statuses
      .map(
        (s) =>
          `${s.phase.padEnd(9)} ${s.state}: ${s.counts.done} done, ${s.counts.skipped} skipped, ${s.counts.failed} failed`,
      )
      .join("\n");
    report(ctx, { project: ws.name, phases: statuses }, text);
    if (statuses.some((s) => s.state === "failed")) return EXIT.failure;
    return statuses.some((s) => s.state === "partial") ? EXIT.partial : EXIT.ok;
  },
};
