/**
 * Where the real-file fixtures are: `REFS_FIXTURES`, else `../shared/fixtures` beside the checkout.
 * Conformance suites skip with a message when the folder is absent, so a stranger's clone still passes;
 * CI sets REFS_REQUIRE_FIXTURES=1 so a missing folder fails instead of skipping silently.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const fixturesDir = process.env.REFS_FIXTURES ?? resolve(root, "..", "shared", "fixtures");
export const haveFixtures = existsSync(join(fixturesDir, "FILES.tsv"));

if (!haveFixtures) {
  if (process.env.REFS_REQUIRE_FIXTURES === "1") {
    throw new Error(`REFS_REQUIRE_FIXTURES=1 but no fixtures at ${fixturesDir}`);
  }
  console.warn(
    `[conformance] skipped: no fixtures at ${fixturesDir} (set REFS_FIXTURES to run these suites)`,
  );
}

export interface FixtureFile {
  origin: string;
  file: string;
  /** Absolute path of the file. */
  path: string;
  format: string;
  bytes: number;
  /** Path of kerchunk's references beside the file, when kerchunk made some. */
  kerchunkPath: string | undefined;
  /** OK, RC1 (kerchunk's references are wrong or incomplete) or KERCHUNK-FAIL. */
  kerchunkChecked: string;
}

/** Every fixture listed in FILES.tsv (empty when the folder is absent). */
export function fixtureFiles(): FixtureFile[] {
  if (!haveFixtures) return [];
  const lines = readFileSync(join(fixturesDir, "FILES.tsv"), "utf8").trim().split("\n").slice(1);
  return lines.map((line) => {
    const [origin = "", file = "", format = "", bytes = "0", refs = "", checked = ""] = line.split("\t");
    const path = join(fixturesDir, origin, file);
    const kerchunk = `${path}.kerchunk.json`;
    return {
      origin,
      file,
      path,
      format,
      bytes: Number(bytes),
      kerchunkPath: refs === "True" && existsSync(kerchunk) ? kerchunk : undefined,
      kerchunkChecked: checked,
    };
  });
}
