/** -v: a detail line per file in scan, every check in validate; without it, neither. Through main(), in process. */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { EXIT } from "../../pipelines/cli/command.js";
import { writeEra5Like } from "../../pipelines/demo/era5-like.js";
import { type CliRun, runCli } from "./helpers/run-cli.js";
import { writeTestStacSchemas } from "./helpers/stac-schemas.js";

let workdir: string;

function run(...argv: string[]): Promise<CliRun> {
  return runCli([...argv, "--workdir", workdir], { stdoutWrites: true });
}

beforeAll(async () => {
  workdir = await mkdtemp(join(tmpdir(), "refs-verbose-"));
  await writeEra5Like({ dir: join(workdir, "data"), days: 2, step: 2, chunks: [6, 10, 10] });
  await writeFile(join(workdir, "data", "zz-broken.nc"), "CDF\x01 not really");
  expect((await run("init", "v", "--source", join(workdir, "data", "*.nc"), "-q")).code).toBe(EXIT.ok);
  const config = JSON.parse(await readFile(join(workdir, "v", "project.json"), "utf8"));
  config.references.inlineThreshold = 0;
  await writeFile(join(workdir, "v", "project.json"), JSON.stringify(config));
});

afterAll(async () => {
  await rm(workdir, { recursive: true, force: true });
});

describe("-v", () => {
  it("scan -v: one line per file with chunks, requests and bytes; failures with the reason", async () => {
    const { code, err } = await run("scan", "v", "-v");
    expect(code).toBe(EXIT.partial);
    const scanned = err
      .split("\n")
      .filter((l) => /: \S+, \d+ chunks, \d+ requests, [\d.]+ \w*B read of/.test(l));
    expect(scanned.map((l) => /era5_tp_\d{4}-\d\d-\d\d\.nc/.exec(l)?.[0]).sort()).toEqual([
      "era5_tp_2022-01-01.nc",
      "era5_tp_2022-01-02.nc",
    ]);
    expect(err).toMatch(/scan: \S*zz-broken\.nc: failed: /);
  }, 60_000);

  it("scan -v again: each file kept from the earlier run says so; without -v no file lines", async () => {
    const again = await run("scan", "v", "-v");
    expect(again.err.match(/: unchanged since \S+, kept \(\d+ chunks\)/g)?.length).toBe(2);
    const plain = await run("scan", "v");
    expect(plain.err).not.toMatch(/unchanged since|chunks, \d+ requests/);
    expect(plain.err).toContain("scan: failed "); // failures are always reported
  }, 60_000);

  it("validate -v lists every check; without it only warnings/failures and a count of the rest", async () => {
    const verbose = await run("validate", "v", "-v");
    expect(verbose.code).toBe(EXIT.ok);
    const passed = verbose.out.split("\n").filter((l) => l.startsWith("SUCCESS"));
    expect(passed.length).toBeGreaterThan(2);
    expect(verbose.err).toMatch(/validate: report new; files compared: \S+era5_tp_2022-01-01\.nc/);
    const plain = await run("validate", "v");
    expect(plain.out).not.toMatch(/^SUCCESS/m);
    expect(plain.out).toContain(`(${passed.length} checks passed: -v lists them)`);
    expect((await run("validate", "v", "-v")).err).toContain("report kept from the last run");
  }, 60_000);

  it("run -v passes -v to scan: a line per file", async () => {
    vi.stubEnv("REFS_STAC_SCHEMAS", await writeTestStacSchemas(join(workdir, "schemas")));
    try {
      const { code, err } = await run("run", "v", "-v");
      expect(code, err).toBe(EXIT.partial); // the broken file keeps scan partial
      expect(err.match(/: unchanged since \S+, kept \(\d+ chunks\)/g)?.length).toBe(2);
      expect(err).toMatch(/zz-broken\.nc: failed: /);
    } finally {
      vi.unstubAllEnvs();
    }
  }, 120_000);
});
