#!/usr/bin/env node
// Runs the compiled CLI when built, else the TypeScript sources through tsx (development checkouts).
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const compiled = join(root, "dist", "pipelines", "cli", "bin.js");
if (existsSync(compiled)) {
  await import(pathToFileURL(compiled).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(join(root, "pipelines", "cli", "bin.ts")).href);
}
