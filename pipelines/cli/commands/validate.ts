/**
 * `refs validate <refs.json | parquet folder> [--source <url>...]`: metadata first, then the values of every
 * variable for the first, last and random source files, read through the references and directly from the file.
 * (Project mode, `refs validate <proj>`, is wired by the pipelines phase.)
 */
import { existsSync, statSync } from "node:fs";
import { basename } from "node:path";
import type { StorageOptions } from "../../../refs/storage/index.js";
import { sourceOpener } from "../../phases/open-sources.js";
import "../../../refs/store/index.js";
import { validatePhase } from "../../phases/validate-phase.js";
import { PROJECT_NAME } from "../../project/config.js";
import {
  type Finding,
  formatReport,
  loadReferences,
  referencedUrls,
  resolverFor,
  type ValidationReport,
  validateReferences,
} from "../../validate/index.js";
import { type Command, EXIT, option, positiveInt, UsageError } from "../command.js";
import { cliContext, GLOBAL_FLAGS, projectArg } from "../context.js";

const USAGE = `usage: refs validate <proj> [--files N] [--seed N] [--force | --wipe] [--workdir DIR] [--json]
       refs validate <refs.json | parquet folder> [--source <url>]... [--files N] [--seed N] [--json]
                     [--s3-endpoint URL]
  <proj>     a project of the workdir: validates its combined references (phase status kept for refs status);
             the report is reused while the references are unchanged, unless --force (or --wipe)
  --source   a source file as the references name it (repeatable; default: every file the references point at)
  --files    how many source files to compare: first, last and random others (default 3)
  --seed     seed of the random choice (default 1)
  --json     print the report as JSON
  -v         list every check (the default lists warnings and failures, and counts the checks that passed)
exit status: 0 when nothing failed (warnings allowed), 1 when a metadata or value check failed`;

/** The text report: every check with -v, else the warnings and failures (the summary counts them all). */
function shown(report: ValidationReport, verbose: boolean): string {
  if (verbose) return formatReport(report);
  const notable = (fs: Finding[]) => fs.filter((f) => f.status !== "success");
  const passed = report.summary.success;
  return `${formatReport({ ...report, metadata: notable(report.metadata), variables: notable(report.variables) })}${
    passed > 0 ? ` (${passed} checks passed: -v lists them)` : ""
  }`;
}

export const validateCommand: Command = {
  name: "validate",
  usage: USAGE,
  valueOptions: ["source", "files", "seed", "s3-endpoint", "workdir"],
  flags: [...GLOBAL_FLAGS, "force", "wipe"],
  async run(args) {
    const [target, ...extra] = args.positionals;
    if (!target || extra.length > 0)
      throw new UsageError("give one project, reference file or Parquet folder");
    const ctx = cliContext(args);
    if (PROJECT_NAME.test(target) && !existsSync(target)) {
      const ws = projectArg(args, ctx);
      const { status, report } = await validatePhase(ws, {
        files: positiveInt(args, "files", 3),
        seed: positiveInt(args, "seed", 1),
        force: args.flags.has("force") || args.flags.has("wipe"), // --wipe as in the other phases
        quiet: true,
      });
      if (ctx.verbose && !ctx.json) {
        const how =
          status.details?.report === "reused" ? "kept from the last run (references unchanged)" : "new";
        console.error(`validate: report ${how}; files compared: ${report.files.join(", ")}`);
      }
      process.stdout.write(
        `${ctx.json ? JSON.stringify({ status, report }, null, 2) : shown(report, ctx.verbose)}\n`,
      );
      return report.summary.failure > 0 ? EXIT.failure : EXIT.ok;
    }
    const endpoint = option(args, "s3-endpoint");
    const storage: StorageOptions = endpoint ? { s3: { endpoint, forcePathStyle: true } } : {};
    const refsUrl =
      existsSync(target) && statSync(target).isDirectory() ? `${target.replace(/\/+$/, "")}/` : target;
    const refs = await loadReferences(refsUrl, storage);
    const resolve = resolverFor(refsUrl);
    const named = referencedUrls(refs);
    // --source may name a file by another path than the references do: match on the file name.
    const sources = (args.options.get("source") ?? named).map(
      (s) => named.find((u) => u === s) ?? named.find((u) => basename(u) === basename(s)) ?? s,
    );
    const opened = sourceOpener(storage); // as validate-phase: merged once, by the reference store
    const report = await validateReferences(refs, {
      open: (url) => opened(resolve(url)),
      sources,
      files: positiveInt(args, "files", 3),
      seed: positiveInt(args, "seed", 1),
    });
    process.stdout.write(`${ctx.json ? JSON.stringify(report, null, 2) : shown(report, ctx.verbose)}\n`);
    return report.summary.failure > 0 ? EXIT.failure : EXIT.ok;
  },
};
