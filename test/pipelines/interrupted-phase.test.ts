/**
 * A phase killed mid-way is shown as interrupted, not running, and the next run cleans the temporaries a killed
 * writer left: the rules on made-up statuses and files, then a real `refs compute` child killed with SIGKILL.
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeEra5Like } from "../../pipelines/demo/era5-like.js";
import { cleanTemporaries, temporaryWriter } from "../../pipelines/phases/temporaries.js";
import { temporaryHost } from "../../pipelines/project/workdir-io.js";
import { Workspace } from "../../pipelines/project/workspace.js";
import { asSeen, type PhaseStatus, pendingStatus } from "../../pipelines/status/phase-status.js";
import { mergeShardStatuses } from "../../pipelines/status/shard-status.js";

const bin = join(resolve(import.meta.dirname, "..", ".."), "bin", "refs.js");
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "refs-interrupted-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A pid that is certainly not running: a child that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((done) => child.on("exit", done));
  return child.pid as number;
}

const running = (rest: Partial<PhaseStatus>): PhaseStatus => ({
  ...pendingStatus("compute"),
  state: "running",
  startedAt: new Date().toISOString(),
  ...rest,
});

describe("interrupted phases", () => {
  it("a running status is interrupted when its local pid is gone or its heartbeat is stale", async () => {
    const now = Date.now();
    const fresh = new Date(now - 10_000).toISOString();
    const stale = new Date(now - 200_000).toISOString();
    const elsewhere = { host: "another-host", pid: 1 };
    expect(asSeen(running({ owner: elsewhere, heartbeatAt: fresh, heartbeatSeconds: 30 }), now).state).toBe(
      "running",
    );
    const lost = asSeen(running({ owner: elsewhere, heartbeatAt: stale, heartbeatSeconds: 30 }), now);
    expect(lost.state).toBe("interrupted");
    expect(lost.interruptedBecause).toMatch(/no heartbeat from process 1 on another-host for 200 s/);
    const killed = asSeen(running({ owner: { host: hostname(), pid: await deadPid() }, heartbeatAt: fresh }));
    expect(killed.state).toBe("interrupted");
    expect(killed.interruptedBecause).toMatch(/is gone/);
    const me = asSeen(running({ owner: { host: hostname(), pid: process.pid }, heartbeatAt: fresh }));
    expect(me.state).toBe("running");
    // before heartbeats were recorded nothing can be told: it stays running
    expect(asSeen(running({})).state).toBe("running");
    // shards: one interrupted, the rest done -> interrupted, named
    const merged = mergeShardStatuses("compute", 2, [
      { index: 0, count: 2, status: { ...running({}), state: "done" } },
      { index: 1, count: 2, status: lost },
    ]);
    expect(merged.state).toBe("interrupted");
    expect(merged.error).toContain("shard 1/2 interrupted: no heartbeat");
  });

  it("temporaries of dead writers and old ones are removed, a live writer's are kept", async () => {
    const dir = join(tmp, "temporaries");
    await mkdir(join(dir, "status"), { recursive: true });
    const host = temporaryHost();
    const dead = join(dir, "status", `scan.json.${await deadPid()}@${host}.0a1b2c3d.tmp`);
    const live = join(dir, "status", `scan.json.${process.pid}@${host}.0a1b2c3d.tmp`);
    const otherHost = join(dir, `x.parquet.${await deadPid()}@other_host.00ff00ff.tmp`);
    const oldOther = join(dir, "y.parquet.12@other_host.00ff00ff.tmp");
    for (const f of [dead, live, otherHost, oldOther]) await writeFile(f, "x");
    const hourAgo = (Date.now() - 2 * 3600_000) / 1000;
    await utimes(oldOther, hourAgo, hourAgo);
    expect(temporaryWriter(`a.json.42@${host}.0a1b2c3d.tmp`)).toEqual({ host, pid: 42 });
    expect(temporaryWriter("a.parquet.42-0a1b2c3d.tmp")).toEqual({ pid: 42 });
    expect((await cleanTemporaries(dir)).sort()).toEqual([oldOther, dead].sort());
    expect((await readdir(dir, { recursive: true })).sort()).toEqual(
      [
        "status",
        `status/scan.json.${process.pid}@${host}.0a1b2c3d.tmp`,
        otherHost.slice(dir.length + 1),
      ].sort(),
    );
  });

  it("refs compute killed with SIGKILL: status says interrupted, a rerun cleans up and completes", async () => {
    const workdir = join(tmp, "work");
    await writeEra5Like({
      dir: join(tmp, "data"),
      days: 3,
      latNorth: 50,
      latSouth: 40,
      lonWest: 0,
      lonEast: 10,
      step: 0.5,
      chunks: [2, 11, 11],
    });
    const env = { ...process.env, REFS_WORKDIR: workdir, REFS_HEARTBEAT_SECONDS: "1" };
    const refs = (...args: string[]) =>
      new Promise<{ code: number | null; out: string }>((done, fail) => {
        const child = spawn(process.execPath, [bin, ...args], { env, stdio: ["ignore", "pipe", "inherit"] });
        let out = "";
        child.stdout.on("data", (b) => (out += b));
        child.on("error", fail);
        child.on("close", (code) => done({ code, out }));
      });
    expect(
      (await refs("init", "k", "--source", join(tmp, "data", "*.nc"), "--resolution", "4", "-q")).code,
    ).toBe(0);
    expect((await refs("scan", "k", "-q")).code).toBe(0);
    const ws = new Workspace(workdir, "k");
    const records = async () =>
      (await readdir(join(ws.computeDir, "_units")).catch(() => [] as string[])).length;
    const child = spawn(process.execPath, [bin, "compute", "k", "-q"], { env, stdio: "ignore" });
    const exited = new Promise<void>((done) => child.on("exit", () => done()));
    for (let i = 0; i < 6000 && child.exitCode === null && (await records()) < 2; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(child.exitCode).toBeNull(); // still mid-phase
    child.kill("SIGKILL");
    await exited;
    const status = await refs("status", "k");
    expect(status.code).toBe(1);
    expect(status.out).toMatch(/compute\s+interrupted/);
    expect(status.out).toContain(`interrupted: process ${child.pid} on ${hostname()} is gone`);
    // the temporary a write cut short by the kill leaves (named as the killed process names them); a kill
    // rarely lands inside a write, so one is put there as it would be
    const leftover = join(ws.computeDir, `h0=x.parquet.${child.pid}@${temporaryHost()}.0a0b0c0d.tmp`);
    await writeFile(leftover, "half a file");
    const rerun = await refs("compute", "k", "--json");
    expect(rerun.code).toBe(0);
    const s = JSON.parse(rerun.out) as { status: PhaseStatus; summary: { unitsAlreadyDone: number } };
    expect(s.status.state).toBe("done");
    expect(s.summary.unitsAlreadyDone).toBeGreaterThanOrEqual(2);
    const left = (await readdir(workdir, { recursive: true })).filter((f) => String(f).endsWith(".tmp"));
    expect(left).toEqual([]);
    expect((await refs("status", "k")).out).toMatch(/compute\s+done/);
  }, 120_000);
});
