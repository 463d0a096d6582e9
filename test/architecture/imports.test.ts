/**
 * DESIGN.md's parts and arrows, checked on the source: a module imports another part only through that part's
 * index.ts (refs' own top-level files, errors.ts and error-tags.ts, are refs' shared root), and only along the
 * arrows pipelines -> scanner, compute, catalog-api -> refs. Static imports, re-exports and import() all count.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const TOP = ["refs", "scanner", "compute", "catalog-api", "pipelines"];
const REFS_PARTS = ["storage", "model", "formats", "combine", "store"];
/** Which parts each may import (its own always). */
const ARROWS: Record<string, string[]> = {
  refs: ["refs"],
  scanner: ["refs"],
  compute: ["refs"],
  "catalog-api": ["refs"],
  pipelines: ["refs", "scanner", "compute", "catalog-api"],
};

/** Parts of refs kept pure (DESIGN.md: combine is pure functions): they may not import these other parts. */
const PURE: Record<string, string[]> = {
  "refs/combine": ["refs/store", "refs/storage"],
};

/** "refs/storage", "refs" (its root files), "scanner", ... of a path relative to the root. */
function partOf(rel: string): string {
  const [top, second, ...rest] = rel.split(sep);
  if (top === "refs" && second && rest.length > 0 && REFS_PARTS.includes(second)) return `refs/${second}`;
  return top ?? "";
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)"(\.[^"]+)"/g;

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

/** Every import across parts that breaks a rule, as "file -> target (why)". */
function crossPartViolations(root: string): string[] {
  const found: string[] = [];
  for (const top of TOP) {
    let files: string[];
    try {
      files = [...sourceFiles(join(root, top))];
    } catch {
      continue;
    }
    for (const file of files) {
      const from = partOf(relative(root, file));
      for (const match of readFileSync(file, "utf8").matchAll(SPECIFIER)) {
        const target = relative(root, resolve(dirname(file), match[1] as string));
        const to = partOf(target);
        if (to === from) continue;
        const where = `${relative(root, file)} -> ${target}`;
        const toTop = to.split("/")[0] as string;
        if (!ARROWS[from.split("/")[0] as string]?.includes(toTop))
          found.push(`${where} (against the arrows)`);
        if (PURE[from]?.includes(to)) found.push(`${where} (${from} is pure: no ${to})`);
        const refsRoot = to === "refs" && target.split(sep).length === 2;
        if (target !== join(to, "index.js") && !refsRoot) found.push(`${where} (not through ${to}/index.ts)`);
      }
    }
  }
  return found;
}

describe("imports across parts", () => {
  it("go through each part's index and along DESIGN.md's arrows", () => {
    expect(crossPartViolations(ROOT)).toEqual([]);
  });

  it("the check finds a deep import, an import against the arrows and refs/combine importing refs/store", () => {
    const root = mkdtempSync(join(tmpdir(), "refs-arch-"));
    try {
      for (const dir of ["refs/storage/middleware", "refs/store", "refs/combine", "scanner/tiff", "compute"])
        mkdirSync(join(root, dir), { recursive: true });
      writeFileSync(join(root, "refs/storage/index.ts"), 'export * from "./middleware/cache.js";\n');
      writeFileSync(join(root, "refs/storage/middleware/cache.ts"), "export class BlockCacheSource {}\n");
      writeFileSync(
        join(root, "scanner/tiff/source.ts"),
        'import { BlockCacheSource } from "../../refs/storage/middleware/cache.js";\nimport type { X } from "../../refs/storage/index.js";\n',
      );
      writeFileSync(
        join(root, "compute/index.ts"),
        'export const scan = () => import("../scanner/index.js");\n',
      );
      writeFileSync(join(root, "refs/store/index.ts"), "export const readArray = 1;\n");
      writeFileSync(
        join(root, "refs/combine/read-values.ts"),
        'import { readArray } from "../store/index.js";\n',
      );
      expect(crossPartViolations(root)).toEqual([
        "refs/combine/read-values.ts -> refs/store/index.js (refs/combine is pure: no refs/store)",
        "scanner/tiff/source.ts -> refs/storage/middleware/cache.js (not through refs/storage/index.ts)",
        "compute/index.ts -> scanner/index.js (against the arrows)",
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
