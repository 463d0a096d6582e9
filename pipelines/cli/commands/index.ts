import type { Command } from "../command.js";

/** Every CLI command, one file each. */
export const commands: Record<string, Command> = {};
