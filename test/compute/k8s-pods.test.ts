/**
 * The Job `refs compute --k8s` prints, run for real: its pod command is started N times as local processes with
 * the environment the Job gives each pod (the manifest's env plus JOB_COMPLETION_INDEX), the claim's mount path
 * mapped to a folder holding a copy of the project (another path than where it was scanned, as on a volume).
 * Together the pods must write exactly the files of a serial run, and `refs status` must merge their statuses.
 */
import { spawn } from "node:child_process";
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../pipelines/cli/command.js";
import { writeEra5Like } from "../../pipelines/demo/era5-like.js";
import { computePhase } from "../../pipelines/phases/compute/compute-phase.js";
import { scanPhase } from "../../pipelines/phases/scan/scan-phase.js";
import { defaultConfig } from "../../pipelines/project/config.js";
import { Workspace } from "../../pipelines/project/workspace.js";
import type { PhaseStatus } from "../../pipelines/status/phase-status.js";
import { type CliRun, runCli } from "../pipelines/helpers/run-cli.js";
import { snapshot } from "./helpers/snapshot.js";

const root = resolve(import.meta.dirname, "..", "..");
const PODS = 3;
const MOUNT = "/mnt/refs";
let base: string;
let scanned: string;
let volume: string;
let serialRows: number;

function run(...argv: string[]): Promise<CliRun> {
  return runCli(argv);
}

function pod(command: string[], env: Record<string, string>): Promise<{ code: number | null; err: string }> {
  const [program, ...args] = command;
  expect(program).toBe("refs");
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["bin/refs.js", ...args], {
      cwd: root,
      env: { ...process.env, REFS_WORKDIR: "", ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (b: Buffer) => {
      err += b.toString();
    });
    child.on("error", fail);
    child.on("close", (code) => done({ code, err }));
  });
}

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), "refs-k8s-"));
  const data = join(base, "data");
  await writeEra5Like({
    dir: data,
    days: 2,
    latNorth: 50,
    latSouth: 40,
    lonWest: 0,
    lonEast: 10,
    step: 0.5,
    chunks: [6, 11, 11],
  });
  scanned = join(base, "here");
  const ws = new Workspace(scanned, "era5");
  const config = defaultConfig("era5", [join(data, "*.nc")]);
  config.compute.resolution = 4;
  await ws.saveConfig(config);
  await scanPhase(ws, { quiet: true });
  // the volume: the project as scanned, at another path
  volume = join(base, "volume");
  await cp(scanned, volume, { recursive: true });
  const { summary } = await computePhase(ws, { quiet: true });
  serialRows = summary?.rows ?? 0;
  expect(serialRows).toBeGreaterThan(0);
}, 120_000);

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe("refs compute --k8s", () => {
  it("the printed Job's pods, run as processes, write exactly the serial output; refs status merges them", async () => {
    const printed = await run(
      "compute",
      "era5",
      "--k8s",
      "--image",
      "ghcr.io/x/refs:1",
      "--pvc",
      "refs-data",
      "--mount-path",
      MOUNT,
      "--completions",
      String(PODS),
      "--workdir",
      scanned,
    );
    expect(printed.code, printed.err).toBe(EXIT.ok);
    const job = JSON.parse(printed.out);
    const spec = job.spec.template.spec;
    const [container] = spec.containers;
    expect(job.spec.completionMode).toBe("Indexed");
    const claim = spec.volumes.find((v: { name: string }) => v.name === container.volumeMounts[0].name);
    expect(claim.persistentVolumeClaim.claimName).toBe("refs-data");
    expect(container.volumeMounts[0].mountPath).toBe(MOUNT);

    // each pod: the manifest's env, Kubernetes' JOB_COMPLETION_INDEX, the mount path mapped to the volume folder
    const env = Object.fromEntries(
      (container.env as { name: string; value: string }[]).map((e) => [e.name, e.value]),
    );
    const command = (container.command as string[]).map((a) => (a === MOUNT ? volume : a));
    expect(command).toContain(volume);
    const pods = await Promise.all(
      Array.from({ length: job.spec.completions as number }, (_, i) =>
        pod(command, { ...env, JOB_COMPLETION_INDEX: String(i) }),
      ),
    );
    for (const p of pods) expect(p.code, p.err).toBe(0);

    const serial = await snapshot(join(scanned, "era5", "h3"));
    expect(Object.keys(serial).length).toBeGreaterThan(PODS);
    expect(await snapshot(join(volume, "era5", "h3"))).toEqual(serial);

    const files = (await readdir(join(volume, "era5", "status"))).filter((f) => f.startsWith("compute"));
    expect(files.sort()).toEqual(
      Array.from({ length: PODS }, (_, i) => `compute.shard-${i}-of-${PODS}.json`),
    );
    const status = await run("status", "era5", "--workdir", volume, "--json");
    const compute = (JSON.parse(status.out).phases as PhaseStatus[]).find((p) => p.phase === "compute");
    const units = Object.keys(serial).filter((k) => k.startsWith("_units/")).length;
    expect(compute).toMatchObject({
      state: "done",
      counts: { total: units, done: units, skipped: 0, failed: 0 },
      details: { rows: serialRows, shards: `${PODS}/${PODS}` },
    });
  }, 240_000);

  it("refuses a volume for a workdir URL, and --k8s without a claim, as usage errors", async () => {
    const url = await run(
      "compute",
      "era5",
      "--k8s",
      "--image",
      "x",
      "--pvc",
      "claim",
      "--workdir",
      "s3://bucket/projects",
    );
    expect(url.code).toBe(EXIT.usage);
    expect(url.err).toContain(
      "the workdir s3://bucket/projects is on object storage, so the pods need no volume",
    );
    const noClaim = await run("compute", "era5", "--k8s", "--image", "x", "--workdir", scanned);
    expect(noClaim.code).toBe(EXIT.usage);
    expect(noClaim.err).toContain("--k8s needs --pvc");
  });
});
