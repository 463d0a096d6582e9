/** The argument parser: declared options only, and a suggestion for a mistyped one. */
import { describe, expect, it } from "vitest";
import {
  closest,
  integerOption,
  parseArgs,
  positiveInt,
  UnknownOptionError,
  UsageError,
} from "../../pipelines/cli/command.js";
import { commands } from "../../pipelines/cli/commands/index.js";

const VALUES = ["workdir", "shard", "workers"];
const FLAGS = ["json", "q", "wipe", "v", "no-serve"];

function unknown(argv: string[]): UnknownOptionError {
  try {
    parseArgs(argv, VALUES, FLAGS);
  } catch (e) {
    if (e instanceof UnknownOptionError) return e;
    throw e;
  }
  throw new Error(`${argv.join(" ")} was accepted`);
}

describe("parseArgs", () => {
  it("reads values, repeated values, declared flags and positionals", () => {
    const args = parseArgs(
      ["p", "--workdir", "d", "--shard=1/2", "--shard", "0/2", "--wipe", "-q", "--", "--x"],
      VALUES,
      FLAGS,
    );
    expect(args.positionals).toEqual(["p", "--x"]);
    expect(args.options.get("workdir")).toEqual(["d"]);
    expect(args.options.get("shard")).toEqual(["1/2", "0/2"]);
    expect([...args.flags].sort()).toEqual(["q", "wipe"]);
  });

  it("always accepts --help and -h", () => {
    expect([...parseArgs(["--help", "-h"], [], []).flags]).toEqual(["help", "h"]);
  });

  it("rejects an undeclared option, naming it and the closest declared one", () => {
    const e = unknown(["nope", "--wpie"]);
    expect(e.message).toBe("unknown option --wpie (did you mean --wipe?)");
    expect(e).toBeInstanceOf(UsageError);
    expect(e.option).toBe("--wpie");
    expect(e.suggestion).toBe("--wipe");
    expect(unknown(["--jsno"]).suggestion).toBe("--json");
    expect(unknown(["--worker", "2"]).suggestion).toBe("--workers");
    expect(unknown(["--noserve"]).suggestion).toBe("--no-serve");
  });

  it("suggests nothing when no declared option is close", () => {
    expect(unknown(["--colour"]).message).toBe("unknown option --colour");
    expect(unknown(["-x"]).message).toBe("unknown option -x");
  });

  it("a flag given a value, or a value option without one, is a usage error", () => {
    expect(() => parseArgs(["--wipe=yes"], VALUES, FLAGS)).toThrow("option --wipe takes no value");
    expect(() => parseArgs(["--workdir"], VALUES, FLAGS)).toThrow("option --workdir needs a value");
  });

  it("closest: transpositions count as one edit", () => {
    expect(closest("wpie", ["wipe", "json"])).toBe("wipe");
    expect(closest("sahrd", ["shard"])).toBe("shard");
    expect(closest("abcdef", ["wipe"])).toBeUndefined();
  });

  it("every command's usage names each option it declares", async () => {
    for (const [name, entry] of Object.entries(commands)) {
      const command = await entry.load();
      expect(command.name).toBe(name);
      for (const name of [...(command.valueOptions ?? []), ...command.flags]) {
        const spelled = name.length === 1 ? `-${name}` : `--${name}`;
        // -q/-v and their long forms are global: their help is `refs --help`'s business, not every usage line's
        if (["q", "quiet", "v", "verbose"].includes(name)) continue;
        expect(command.usage, `${command.name} ${spelled}`).toContain(spelled);
      }
    }
  });

  it("positiveInt: whole numbers >= 1, else a usage error naming the option and the value", () => {
    const args = (v: string) => parseArgs(["--workers", v], VALUES, FLAGS);
    expect(positiveInt(args("4"), "workers", 0)).toBe(4);
    expect(positiveInt(parseArgs([], VALUES, FLAGS), "workers", 7)).toBe(7);
    for (const bad of ["many", "0", "-1", "1.5", "", "1e3", "0x10"])
      expect(() => positiveInt(args(bad), "workers", 1), bad).toThrow(
        `--workers must be a positive integer, got "${bad}"`,
      );
  });

  it("integerOption: one parser for every number option, with its range and unit in the error", () => {
    const args = (v: string) => parseArgs(["--workers", v], VALUES, FLAGS);
    const port = { min: 0, max: 65535 };
    expect(integerOption(args("0"), "workers", 8080, port)).toBe(0);
    expect(integerOption(args("65535"), "workers", 8080, port)).toBe(65535);
    expect(integerOption(parseArgs([], VALUES, FLAGS), "workers", 8080, port)).toBe(8080);
    for (const bad of ["65536", "-1", "80.0", "1e3", "http"])
      expect(() => integerOption(args(bad), "workers", 1, port), bad).toThrow(
        `--workers must be a whole number from 0 to 65535, got "${bad}"`,
      );
    expect(integerOption(args("0"), "workers", 5, { min: 0, unit: "bytes" })).toBe(0);
    expect(() => integerOption(args("-5"), "workers", 5, { min: 0, unit: "bytes" })).toThrow(
      `--workers must be a whole number of bytes >= 0, got "-5"`,
    );
  });
});
