import { EXIT, parseArgs, UsageError } from "./command.js";
import { commands } from "./commands/index.js";

function help(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: refs <command> [options]\n\ncommands:\n${lines.join("\n")}\n\nrefs <command> --help for a command's options`;
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(help());
    return name ? EXIT.ok : EXIT.usage;
  }
  const entry = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!entry) {
    console.error(`refs: unknown command "${name}"\n\n${help()}`);
    return EXIT.usage;
  }
  const command = await entry.load();
  try {
    const args = parseArgs(rest, command.valueOptions, command.flags);
    if (args.flags.has("help") || args.flags.has("h")) {
      console.log(command.usage);
      return EXIT.ok;
    }
    return await command.run(args);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`refs ${name}: ${error.message}\n\n${command.usage}`);
      return EXIT.usage;
    }
    console.error(`refs ${name}: ${error instanceof Error ? error.message : String(error)}`);
    // -v (or REFS_DEBUG) shows where it happened, and the chain of causes.
    const verbose = rest.includes("-v") || rest.includes("--verbose") || Boolean(process.env.REFS_DEBUG);
    if (verbose && error instanceof Error) {
      for (let e: unknown = error; e instanceof Error; e = e.cause) console.error(e.stack);
    }
    return EXIT.failure;
  }
}
