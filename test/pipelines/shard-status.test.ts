/** Statuses of a phase's shards merged into one (what `refs status` shows for a sharded compute). */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Workspace } from "../../pipelines/project/workspace.js";
import { type PhaseStatus, readStatus, writeStatus } from "../../pipelines/status/phase-status.js";
import { mergeShardStatuses, shardStatusName } from "../../pipelines/status/shard-status.js";

const shard = (
  index: number,
  state: PhaseStatus["state"],
  counts: Partial<PhaseStatus["counts"]>,
  rest: Partial<PhaseStatus> = {},
) => ({
  index,
  count: 3,
  status: {
    phase: "compute" as const,
    state,
    counts: { total: 0, done: 0, skipped: 0, failed: 0, ...counts },
    failures: [],
    startedAt: `2026-01-01T00:00:0${index}.000Z`,
    finishedAt: state === "running" ? undefined : `2026-01-01T00:01:0${index}.000Z`,
    details: { rows: 10 * (index + 1), unitsTotal: 9, shard: `${index}/3` },
    ...rest,
  } as PhaseStatus,
});

describe("merged shard statuses", () => {
  it("sums counts and rows; done when every shard is done", () => {
    const m = mergeShardStatuses("compute", 3, [
      shard(0, "done", { total: 3, done: 3 }),
      shard(1, "done", { total: 3, done: 2, skipped: 1 }),
      shard(2, "done", { total: 3, done: 3 }),
    ]);
    expect(m).toMatchObject({
      state: "done",
      counts: { total: 9, done: 8, skipped: 1, failed: 0 },
      details: { rows: 60, unitsTotal: 9, shards: "3/3" },
      startedAt: "2026-01-01T00:00:00.000Z",
      finishedAt: "2026-01-01T00:01:02.000Z",
      durationMs: 62_000,
    });
  });

  it("running while a shard runs or has not reported; partial or failed when one fails", () => {
    const two = [shard(0, "done", { total: 3, done: 3 }), shard(1, "done", { total: 3, done: 3 })];
    expect(mergeShardStatuses("compute", 3, two)).toMatchObject({
      state: "running",
      counts: { total: 9, done: 6 },
      details: { shards: "2/3" },
    });
    expect(mergeShardStatuses("compute", 3, [...two, shard(2, "running", { total: 3, done: 1 })]).state).toBe(
      "running",
    );
    const crashed = shard(2, "failed", {}, { error: "no references" });
    const m = mergeShardStatuses("compute", 3, [...two, crashed]);
    expect(m.state).toBe("partial");
    expect(m.error).toBe("shard 2/3: no references");
    const failures = [{ item: "t0_y0_x2", reason: "bad chunk" }];
    const unitFailed = shard(2, "partial", { total: 3, done: 2, failed: 1 }, { failures });
    expect(mergeShardStatuses("compute", 3, [...two, unitFailed])).toMatchObject({
      state: "partial",
      failures,
    });
  });

  it("readStatus takes the shard files or the whole-run file, whichever run started last", async () => {
    const dir = await mkdtemp(join(tmpdir(), "refs-shard-status-"));
    try {
      const ws = new Workspace(dir, "p");
      for (const s of [shard(0, "done", { total: 3, done: 3 }), shard(1, "done", { total: 3, done: 3 })])
        await writeStatus(ws, { ...s.status }, shardStatusName("compute", s.index, 2));
      const merged = await readStatus(ws, "compute");
      expect(merged).toMatchObject({
        state: "done",
        counts: { total: 9, done: 6 },
        details: { shards: "2/2" },
      });
      const whole = shard(
        0,
        "done",
        { total: 9, skipped: 9 },
        { startedAt: "2026-01-02T00:00:00.000Z" },
      ).status;
      await writeStatus(ws, whole);
      expect(await readStatus(ws, "compute")).toEqual(whole);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a URL workdir keeps its scheme; a local one is resolved", () => {
    expect(new Workspace("s3://bucket/projects/", "p").statusFile("scan")).toBe(
      "s3://bucket/projects/p/status/scan.json",
    );
    expect(new Workspace("gs://bucket", "p").dir).toBe("gs://bucket/p");
    expect(new Workspace("relative/dir", "p").dir).toMatch(/relative\/dir\/p$/);
  });
});
