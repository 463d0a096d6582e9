import { demoCommand } from "../../demo/run-demo.js";
import type { Command } from "../command.js";
import { catalogCommand } from "./catalog.js";
import { computeCommand } from "./compute.js";
import { initCommand } from "./init.js";
import { runCommand } from "./run.js";
import { scanCommand } from "./scan.js";
import { serveCommand } from "./serve.js";
import { statusCommand } from "./status.js";
import { translateCommand } from "./translate.js";
import { unitsCommand } from "./units.js";
import { validateCommand } from "./validate.js";

/** Every CLI command, one file each, in the order `refs --help` lists them. */
const all: Command[] = [
  initCommand,
  scanCommand,
  computeCommand,
  unitsCommand,
  catalogCommand,
  statusCommand,
  runCommand,
  demoCommand,
  serveCommand,
  translateCommand,
  validateCommand,
];

export const commands: Record<string, Command> = Object.fromEntries(all.map((c) => [c.name, c]));
