/** The command line's help and its messages for the common mistakes, through main() as the executable runs it. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../pipelines/cli/command.js";
import { type CliRun, runCli } from "./helpers/run-cli.js";

let workdir: string;

function run(...argv: string[]): Promise<CliRun> {
  return runCli(argv);
}

beforeAll(async () => {
  workdir = await mkdtemp(join(tmpdir(), "refs-cli-"));
  await writeFile(join(workdir, "a.nc"), "CDF\x01");
});

afterAll(async () => {
  await rm(workdir, { recursive: true, force: true });
});

describe("refs command line", () => {
  it("lists every command in its help", async () => {
    const { code, out } = await run("--help");
    expect(code).toBe(EXIT.ok);
    for (const c of [
      "init",
      "scan",
      "validate",
      "compute",
      "catalog",
      "serve",
      "status",
      "run",
      "translate",
    ]) {
      expect(out).toMatch(new RegExp(`^  ${c} `, "m"));
    }
  });

  it("names an unknown command and exits 2", async () => {
    const { code, err } = await run("scna", "x");
    expect(code).toBe(EXIT.usage);
    expect(err).toContain('unknown command "scna"');
  });

  it("unknown project: says so and lists the projects there", async () => {
    await run("init", "known", "--source", join(workdir, "*.nc"), "--workdir", workdir);
    const { code, err } = await run("status", "nope", "--workdir", workdir);
    expect(code).toBe(EXIT.failure);
    expect(err).toContain('no project "nope"');
    expect(err).toContain("projects there: known");
    const validate = await run("validate", "nope", "--workdir", workdir);
    expect(validate.err).toContain('no project "nope"');
  });

  it("bad glob: init names the source that matched nothing", async () => {
    const { code, err } = await run("init", "p1", "--source", join(workdir, "*.h5"), "--workdir", workdir);
    expect(code).toBe(EXIT.failure);
    expect(err).toContain(`source ${join(workdir, "*.h5")}: matched no files`);
  });

  it("unreachable bucket: init names the bucket and why", async () => {
    const { code, err } = await run(
      "init",
      "p2",
      "--source",
      "s3://no-such-bucket/era5/*.nc",
      "--s3-endpoint",
      "http://127.0.0.1:9",
      "--workdir",
      workdir,
    );
    expect(code).toBe(EXIT.failure);
    expect(err).toContain("s3://no-such-bucket/era5/*.nc");
    expect(err).toMatch(/could not be listed/);
  });

  it("bad config field: names the file, the field and what is expected", async () => {
    await run("init", "p3", "--source", join(workdir, "*.nc"), "--workdir", workdir);
    const file = join(workdir, "p3", "project.json");
    await writeFile(file, JSON.stringify({ name: "p3", sources: ["a"], compute: { resolution: "high" } }));
    const { code, err } = await run("scan", "p3", "--workdir", workdir);
    expect(code).toBe(EXIT.failure);
    expect(err).toContain(file);
    expect(err).toContain('field "compute.resolution" must be an integer from 0 to 15, got "high"');
  });

  it("usage mistakes exit 2 with the command's usage", async () => {
    const missing = await run("init", "p4", "--workdir", workdir);
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.err).toContain("give at least one --source");
    expect(missing.err).toContain("usage: refs init");
    const badOption = await run("compute", "known", "--workers", "many", "--workdir", workdir);
    expect(badOption.code).toBe(EXIT.usage);
    expect(badOption.err).toContain('--workers must be a positive integer, got "many"');
    // refs run shares compute's parsing: "many" is refused before any phase starts, not run as NaN workers
    const runWorkers = await run("run", "known", "--workers", "many", "--workdir", workdir);
    expect(runWorkers.code).toBe(EXIT.usage);
    expect(runWorkers.err).toContain('--workers must be a positive integer, got "many"');
    expect(runWorkers.err).toContain("usage: refs run");
    // every number option goes through the one parser: range and value named, no NaN reaching project.json
    const badResolution = await run(
      "init",
      "p5",
      "--source",
      "x.nc",
      "--resolution",
      "16",
      "--workdir",
      workdir,
    );
    expect(badResolution.code).toBe(EXIT.usage);
    expect(badResolution.err).toContain('--resolution must be a whole number from 0 to 15, got "16"');
  });

  it("unknown options exit 2, naming the option and the closest known one", async () => {
    const typo = await run("status", "nope", "--wpie", "--workdir", workdir);
    expect(typo.code).toBe(EXIT.usage);
    expect(typo.err).toContain("refs status: unknown option --wpie");
    // status has no --wipe: the nearest of its own options, or none
    expect(typo.err).not.toContain("--wipe?");
    const scan = await run("scan", "known", "--wpie", "--workdir", workdir);
    expect(scan.code).toBe(EXIT.usage);
    expect(scan.err).toContain("unknown option --wpie (did you mean --wipe?)");
    expect(scan.err).toContain("usage: refs scan");
    const far = await run("compute", "known", "--colour", "--workdir", workdir);
    expect(far.err).toContain("unknown option --colour\n");
  });

  it("validate <proj> takes --wipe, as the other phases do, for --force", async () => {
    const { err } = await run("validate", "nope", "--wipe", "--workdir", workdir);
    expect(err).not.toContain("unknown option");
    expect(err).toContain('no project "nope"');
  });

  it("prints a Kubernetes Indexed Job for compute --k8s", async () => {
    const { code, out } = await run(
      "compute",
      "known",
      "--k8s",
      "--image",
      "ghcr.io/x/refs:1",
      "--pvc",
      "refs-data",
      "--completions",
      "8",
      "--workdir",
      workdir,
    );
    expect(code).toBe(EXIT.ok);
    const job = JSON.parse(out);
    expect(job.spec).toMatchObject({ completionMode: "Indexed", completions: 8 });
    expect(job.spec.template.spec.containers[0].command).toEqual([
      "refs",
      "compute",
      "known",
      "--serial",
      "--workdir",
      "/refs-projects",
    ]);
  });
});
