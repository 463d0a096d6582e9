import { checkProjectName, Workspace } from "../project/workspace.js";
import { option, type ParsedArgs, UsageError } from "./command.js";

/** Options every project command takes. */
export const GLOBAL_VALUE_OPTIONS = ["workdir"] as const;
/** Output flags every project command takes: --json, -q/--quiet, -v/--verbose. */
export const GLOBAL_FLAGS = ["json", "q", "quiet", "v", "verbose"] as const;

/** What a command learns from the global options and the environment (pipelines is the only place reading env). */
export interface CliContext {
  workdir: string;
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  env: NodeJS.ProcessEnv;
}

export function cliContext(args: ParsedArgs, env: NodeJS.ProcessEnv = process.env): CliContext {
  return {
    workdir: option(args, "workdir") ?? env.REFS_WORKDIR ?? "refs-projects",
    json: args.flags.has("json"),
    quiet: args.flags.has("q") || args.flags.has("quiet"),
    verbose: args.flags.has("v") || args.flags.has("verbose"),
    env,
  };
}

/** The project named by the first positional argument. */
export function projectArg(args: ParsedArgs, ctx: CliContext): Workspace {
  return new Workspace(ctx.workdir, projectNameArg(args));
}

/** The first positional argument, checked as a project name (without opening the project). */
export function projectNameArg(args: ParsedArgs): string {
  const name = args.positionals[0];
  if (!name) throw new UsageError("missing the project name");
  if (args.positionals.length > 1) throw new UsageError(`unexpected argument "${args.positionals[1]}"`);
  return checkProjectName(name);
}

/** Print a result: JSON on --json, else the human text (unless quiet). */
export function report(ctx: CliContext, summary: unknown, text: string): void {
  if (ctx.json) console.log(JSON.stringify(summary, null, 2));
  else if (!ctx.quiet) console.log(text);
}
