#!/usr/bin/env node
// The compiled build (dist/) for development checkouts: whether it is up to date with the sources, and
// `node bin/dist.js [--if-stale]` to build it (tsc -p tsconfig.build.json, then a stamp saying when).
// The installed package ships dist/ already built and runs it directly (package.json "bin"); this file is not in it.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const compiledBin = join(root, "dist", "pipelines", "cli", "bin.js");
const stamp = join(root, "dist", ".built");
const SOURCES = [
  "refs",
  "scanner",
  "compute",
  "catalog-api",
  "pipelines",
  "tsconfig.json",
  "tsconfig.build.json",
];

function newestMtime(path) {
  const s = statSync(path, { throwIfNoEntry: false });
  if (!s) return 0;
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs; // a deleted or renamed file changes its folder's time
  for (const e of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, e)));
  return newest;
}

/** dist/ was built after the last change to any source (a few ms: a walk of the source folders' times). */
export function distIsFresh() {
  const built = statSync(stamp, { throwIfNoEntry: false });
  if (!built || !existsSync(compiledBin)) return false;
  return SOURCES.every((s) => newestMtime(join(root, s)) <= built.mtimeMs);
}

/**
 * A clean build (no output of a deleted source survives), made beside dist/ and swapped in whole: a CLI started
 * from dist/ meanwhile (a test, a demo) never sees it half-written.
 */
export function build() {
  const next = join(root, ".dist-next");
  const old = join(root, ".dist-old");
  rmSync(next, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json"), "--outDir", next], {
    stdio: "inherit",
  });
  writeFileSync(join(next, ".built"), `${new Date().toISOString()}\n`);
  rmSync(old, { recursive: true, force: true });
  if (existsSync(join(root, "dist"))) renameSync(join(root, "dist"), old);
  renameSync(next, join(root, "dist"));
  rmSync(old, { recursive: true, force: true });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes("--if-stale") && distIsFresh()) process.exit(0);
  build();
}
