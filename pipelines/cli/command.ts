/** One CLI command: its name, a one-line summary, usage text, and what it does with parsed arguments. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Options that take a value (others are boolean flags). */
  valueOptions?: readonly string[];
  run(args: ParsedArgs): Promise<number>;
}

export interface ParsedArgs {
  positionals: string[];
  options: Map<string, string[]>;
  flags: Set<string>;
}

/** Exit codes scripts can rely on. */
export const EXIT = { ok: 0, failure: 1, usage: 2, partial: 3 } as const;

export class UsageError extends Error {
  override name = "UsageError";
}

/** Parse `--opt value`, `--opt=value`, `-o value` and boolean flags. */
export function parseArgs(argv: readonly string[], valueOptions: readonly string[] = []): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string[]>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = (eq > 0 ? arg.slice(0, eq) : arg).replace(/^-+/, "");
    if (valueOptions.includes(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`option ${arg} needs a value`);
      options.set(name, [...(options.get(name) ?? []), value]);
    } else {
      if (eq > 0) throw new UsageError(`option --${name} takes no value`);
      flags.add(name);
    }
  }
  return { positionals, options, flags };
}

export function option(args: ParsedArgs, name: string): string | undefined {
  return args.options.get(name)?.at(-1);
}
