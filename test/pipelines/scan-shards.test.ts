/**
 * Sharded scans (`refs scan --shard i/N`, array jobs) and the combine (`refs scan --combine`), in real processes:
 * the shards of the printed Indexed Job, run as processes with the environment Kubernetes gives each pod; the
 * combine refusing while files have no result; two processes on one shard at once; a shard killed mid-way and
 * rerun; appends. Every way must write the same reference bytes as one whole `refs scan`, and a file that fails
 * in its shard is left out and reported as a whole scan does.
 */
import type { ChildProcess } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../pipelines/cli/command.js";
import { writeEra5Like } from "../../pipelines/demo/era5-like.js";
import { defaultConfig } from "../../pipelines/project/config.js";
import { Workspace } from "../../pipelines/project/workspace.js";
import type { PhaseStatus } from "../../pipelines/status/phase-status.js";
import { runCli } from "./helpers/run-cli.js";
import { runRefs, spawnRefs } from "./helpers/spawn-refs.js";

const MOUNT = "/mnt/refs";
let base: string;
let workdir: string;
let days: string[];
/** Seven days and a file that is not NetCDF (sorted last), so one file fails in every way of scanning. */
let data: string;
let serialRefs: Buffer;

async function project(name: string, dir = data): Promise<Workspace> {
  const ws = new Workspace(workdir, name);
  await ws.saveConfig(defaultConfig(name, [join(dir, "*.nc")]));
  return ws;
}

const refsOf = (name: string) => readFile(join(workdir, name, "references", "refs.json"));

async function scanStatus(name: string): Promise<PhaseStatus> {
  const status = await runCli(["status", name, "--workdir", workdir, "--json"]);
  return (JSON.parse(status.out).phases as PhaseStatus[]).find((p) => p.phase === "scan") as PhaseStatus;
}

/** Every per-file result parses as a whole JSON record; no temporary file is left. */
async function checkResults(name: string, expected: number): Promise<void> {
  const dir = join(workdir, name, "scan", "files");
  const names = await readdir(dir);
  const records = names.filter((n) => n.endsWith(".json"));
  expect(records.length).toBe(expected);
  for (const n of records) expect(JSON.parse(await readFile(join(dir, n), "utf8")).references).toBeTruthy();
}

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), "refs-scan-shards-"));
  workdir = join(base, "projects");
  days = await writeEra5Like({
    dir: join(base, "days"),
    days: 8,
    latNorth: 50,
    latSouth: 40,
    lonWest: 0,
    lonEast: 10,
    step: 0.5,
    chunks: [6, 11, 11],
  });
  data = join(base, "data");
  await mkdir(data);
  for (const f of days.slice(0, 7)) await copyFile(f, join(data, basename(f)));
  await writeFile(join(data, "zz_broken.nc"), "not a NetCDF file, only text");
  await project("serial");
  const serial = await runCli(["scan", "serial", "--workdir", workdir, "-q"]);
  expect(serial.code, serial.err).toBe(EXIT.partial);
  serialRefs = await refsOf("serial");
}, 120_000);

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe("refs scan --shard, array jobs and --combine", () => {
  it("the Indexed Job's pods scan their shards; --combine refuses until every file has a result, then writes the whole scan's bytes", async () => {
    await project("k8s");
    const printed = await runCli([
      "scan",
      "k8s",
      "--k8s",
      "--image",
      "ghcr.io/x/refs:1",
      "--pvc",
      "refs-data",
      "--mount-path",
      MOUNT,
      "--completions",
      "3",
      "--workdir",
      workdir,
    ]);
    expect(printed.code, printed.err).toBe(EXIT.ok);
    const job = JSON.parse(printed.out);
    const [container] = job.spec.template.spec.containers;
    const env = Object.fromEntries(
      (container.env as { name: string; value: string }[]).map((e) => [e.name, e.value]),
    );
    const command = (container.command as string[]).map((a) => (a === MOUNT ? workdir : a));
    expect(command.slice(0, 3)).toEqual(["refs", "scan", "k8s"]);
    const pod = (i: number) => runRefs(command.slice(1), { ...env, JOB_COMPLETION_INDEX: String(i) });

    // pods 0 and 1 only: shard 2 (files 2 and 5 of 8) has not run
    for (const p of await Promise.all([pod(0), pod(1)])) expect(p.code, p.err).not.toBe(EXIT.failure);
    const early = await runCli(["scan", "k8s", "--combine", "--workdir", workdir]);
    expect(early.code).toBe(EXIT.failure);
    const files = [...days.slice(0, 7).map((f) => join(data, basename(f))), join(data, "zz_broken.nc")];
    expect(early.err).toContain("cannot combine k8s: 2 of 8 files have no scan result");
    expect(early.err).toContain(`${files[2]} (no result)`);
    expect(early.err).toContain(`${files[5]} (no result)`);
    expect(early.err).not.toContain(files[0] as string);
    expect(early.err).not.toContain("at Object"); // a user's situation, not a stack trace
    await expect(readdir(join(workdir, "k8s", "references"))).rejects.toThrow(/ENOENT/);
    const running = await scanStatus("k8s");
    expect(running.state).toBe("running");
    expect(running.details?.shards).toBe("2/3");
    expect(running.warnings?.[0]).toMatch(/references not combined yet: run `refs scan k8s --combine`/);

    const last = await pod(2);
    expect(last.code, last.err).toBe(EXIT.ok);
    const shards = await scanStatus("k8s");
    expect(shards).toMatchObject({ state: "partial", counts: { total: 8, done: 7, failed: 1 } });

    // the combine, as the one-pod Job `refs scan --k8s --combine` prints
    const combineJob = JSON.parse(
      (
        await runCli([
          "scan",
          "k8s",
          "--k8s",
          "--combine",
          "--image",
          "ghcr.io/x/refs:1",
          "--pvc",
          "refs-data",
          "--mount-path",
          MOUNT,
          "--workdir",
          workdir,
        ])
      ).out,
    );
    expect(combineJob.spec.completionMode).toBeUndefined();
    const combineContainer = combineJob.spec.template.spec.containers[0];
    expect(combineContainer.env).toEqual([]);
    const combined = await runRefs(
      (combineContainer.command as string[]).slice(1).map((a) => (a === MOUNT ? workdir : a)),
    );
    expect(combined.code, combined.err).toBe(EXIT.partial); // the broken file, left out as a whole scan does
    expect(combined.err).toMatch(/left out .*zz_broken\.nc, which failed in its shard/);
    expect((await refsOf("k8s")).equals(serialRefs)).toBe(true);
    const after = await scanStatus("k8s");
    expect(after).toMatchObject({ state: "partial", counts: { total: 8, done: 7, failed: 1 } });
    expect(after.details?.combine).toBe("full");
    expect(after.failures.map((f) => basename(f.item))).toEqual(["zz_broken.nc"]);
  }, 180_000);

  it("two processes on the same shard at once write the same results; an unsharded scan then combines by itself", async () => {
    await project("twice");
    const args = ["scan", "twice", "--workdir", workdir, "-q"];
    const runs = await Promise.all([
      runRefs([...args, "--shard", "0/2"]),
      runRefs([...args, "--shard", "0/2"]),
      // the other half as a Cloud Run Job's task 1 of 2
      runRefs(args, { CLOUD_RUN_TASK_INDEX: "1", CLOUD_RUN_TASK_COUNT: "2" }),
    ]);
    for (const r of runs) expect(r.code, r.err).not.toBe(EXIT.failure);
    await checkResults("twice", 7);
    const status = await readdir(join(workdir, "twice", "status"));
    expect(status.sort()).toEqual(["scan.shard-0-of-2.json", "scan.shard-1-of-2.json"]);
    // a plain scan scans only what has no result (the broken file, again) and combines
    const whole = await runCli(["scan", "twice", "--workdir", workdir, "--json"]);
    expect(whole.code, whole.err).toBe(EXIT.partial);
    const summary = JSON.parse(whole.out);
    expect(summary.status.counts).toEqual({ total: 8, done: 0, skipped: 7, failed: 1 });
    expect((await refsOf("twice")).equals(serialRefs)).toBe(true);
  }, 180_000);

  it("a shard killed mid-way (SIGKILL) reruns to the same output, keeping what it had scanned", async () => {
    await project("killed");
    const args = ["scan", "killed", "--workdir", workdir, "--concurrency", "1", "-v"];
    let killedAfter = 0;
    const { done } = spawnRefs(
      [...args, "--shard-count", "1"],
      { AWS_BATCH_JOB_ARRAY_INDEX: "0" },
      (line: string, child: ChildProcess) => {
        if (/: \w+, \d+ chunks, \d+ requests/.test(line) && killedAfter++ === 1) child.kill("SIGKILL");
      },
    );
    const killed = await done;
    expect(killed.signal).toBe("SIGKILL");
    const kept = (await readdir(join(workdir, "killed", "scan", "files"))).filter((n) => n.endsWith(".json"));
    expect(kept.length).toBeGreaterThanOrEqual(2);
    expect(kept.length).toBeLessThan(7);
    const status = await scanStatus("killed");
    expect(status.state).toBe("interrupted"); // the shard never reported an end, and its process is gone

    const rerun = await runRefs([...args, "--shard-count", "1", "--json"], {
      AWS_BATCH_JOB_ARRAY_INDEX: "0",
    });
    expect(rerun.code, rerun.err).toBe(EXIT.partial);
    expect(JSON.parse(rerun.out).status.counts).toMatchObject({ skipped: kept.length, failed: 1 });
    await checkResults("killed", 7);
    const combined = await runCli(["scan", "killed", "--combine", "--workdir", workdir, "-q"]);
    expect(combined.code, combined.err).toBe(EXIT.partial);
    expect((await refsOf("killed")).equals(serialRefs)).toBe(true);
  }, 180_000);

  it("appends: new files scanned by shards are appended by the combine, as a whole scan of every file writes them", async () => {
    const series = join(base, "series");
    await mkdir(series);
    for (const f of days.slice(0, 6)) await copyFile(f, join(series, basename(f)));
    await project("append", series);
    const shard = (i: number) => runCli(["scan", "append", "--shard", `${i}/2`, "--workdir", workdir, "-q"]);
    const combine = () => runCli(["scan", "append", "--combine", "--workdir", workdir, "--json"]);
    for (const i of [0, 1]) expect((await shard(i)).code).toBe(EXIT.ok);
    expect((await combine()).code).toBe(EXIT.ok);
    for (const f of days.slice(6)) await copyFile(f, join(series, basename(f)));
    for (const i of [0, 1]) expect((await shard(i)).code).toBe(EXIT.ok);
    const appended = await combine();
    expect(appended.code, appended.err).toBe(EXIT.ok);
    expect(JSON.parse(appended.out).status.details.combine).toBe("appended 2 file(s)");
    await project("append-whole", series);
    expect((await runCli(["scan", "append-whole", "--workdir", workdir, "-q"])).code).toBe(EXIT.ok);
    expect((await refsOf("append")).equals(await refsOf("append-whole"))).toBe(true);
  }, 180_000);

  it("refuses --wipe from one shard, and --combine with a shard", async () => {
    await project("refusals");
    const wipe = await runCli(["scan", "refusals", "--shard", "0/2", "--wipe", "--workdir", workdir]);
    expect(wipe.code).toBe(EXIT.failure);
    expect(wipe.err).toContain("--wipe with shard 0/2 would delete every shard's scan results");
    const both = await runCli(["scan", "refusals", "--combine", "--shard", "0/2", "--workdir", workdir]);
    expect(both.code).toBe(EXIT.usage);
    expect(both.err).toContain("--combine runs once for every shard");
  });
});
