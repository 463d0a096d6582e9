/** One CLI command: its name, usage text, and what it does with parsed arguments (its summary is in commands/index). */
export interface Command {
  name: string;
  usage: string;
  /** Options that take a value. */
  valueOptions?: readonly string[];
  /** Boolean options (besides --help/-h); any other option is a usage error. */
  flags: readonly string[];
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

/** An option the command does not declare; `suggestion` is the closest declared one, if any is close. */
export class UnknownOptionError extends UsageError {
  override name = "UnknownOptionError";
  constructor(
    readonly option: string,
    readonly suggestion: string | undefined,
  ) {
    super(`unknown option ${option}${suggestion ? ` (did you mean ${suggestion}?)` : ""}`);
  }
}

/** Every command understands these. */
const HELP_FLAGS = ["help", "h"];

/** `-x` for one letter, `--name` otherwise, as usage texts write them. */
export function dashed(name: string): string {
  return name.length === 1 ? `-${name}` : `--${name}`;
}

/** Parse `--opt value`, `--opt=value`, `-o value` and the declared boolean flags; anything else is a usage error. */
export function parseArgs(
  argv: readonly string[],
  valueOptions: readonly string[] = [],
  flagNames: readonly string[] = [],
): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string[]>();
  const flags = new Set<string>();
  const knownFlags = [...flagNames, ...HELP_FLAGS];
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
    } else if (knownFlags.includes(name)) {
      if (eq > 0) throw new UsageError(`option ${dashed(name)} takes no value`);
      flags.add(name);
    } else {
      const near = closest(name, [...valueOptions, ...flagNames]);
      throw new UnknownOptionError(dashed(name), near === undefined ? undefined : dashed(near));
    }
  }
  return { positionals, options, flags };
}

/** The known name nearest to `name` by edit distance, when it is near enough to be a likely typo. */
export function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  // A third of the name may be wrong, at least one letter ("--jsno" finds --json); one- and two-letter names are
  // too short to guess from ("-x" is not a typo of -q).
  if (name.length < 3) return undefined;
  return bestDistance <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}

/** Levenshtein distance, with a swap of two neighbouring letters counted as one edit (the commonest typo). */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

export function option(args: ParsedArgs, name: string): string | undefined {
  return args.options.get(name)?.at(-1);
}

/** What integerOption accepts: whole numbers from `min` (default 1) to `max`, optionally of a unit ("bytes"). */
export interface IntegerRange {
  min?: number;
  max?: number;
  unit?: string;
}

/**
 * The CLI's one number parser: the last value of `--name` as a whole number in range (`fallback` when absent).
 * Digits only ("1e3", "0x10", "1.5", "" are refused, as Number() would take some of them); anything else is a
 * usage error naming the option, what it takes and what was given.
 */
export function integerOption(
  args: ParsedArgs,
  name: string,
  fallback: number,
  range: IntegerRange = {},
): number {
  const text = option(args, name);
  if (text === undefined) return fallback;
  const { min = 1, max = Number.MAX_SAFE_INTEGER, unit } = range;
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be ${rangeText(min, max, unit)}, got "${text}"`);
  return n;
}

function rangeText(min: number, max: number, unit: string | undefined): string {
  const of = unit ? ` of ${unit}` : "";
  if (max < Number.MAX_SAFE_INTEGER) return `a whole number${of} from ${min} to ${max}`;
  return min === 1 && !unit ? "a positive integer" : `a whole number${of} >= ${min}`;
}

/** The last value of `--name` as a whole number >= 1 (`fallback` when absent); anything else is a usage error. */
export function positiveInt(args: ParsedArgs, name: string, fallback: number): number {
  return integerOption(args, name, fallback);
}
