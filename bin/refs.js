#!/usr/bin/env node
// The development launcher (`npm run demo`, the tests): the compiled CLI when dist/ is up to date with the
// sources, else the TypeScript sources through tsx, so a checkout never runs stale code. The installed package's
// `refs` is dist/pipelines/cli/bin.js itself.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { compiledBin, distIsFresh, root } from "./dist.js";

if (distIsFresh()) {
  await import(pathToFileURL(compiledBin).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(join(root, "pipelines", "cli", "bin.ts")).href);
}
