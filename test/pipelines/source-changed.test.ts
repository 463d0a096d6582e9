/**
 * A source replaced between scan and compute (issue 18): scan records each file's version (size and mtime for
 * local files, ETag on S3), compute and validate check it before reading through the references, and a unit that
 * would read a changed file fails, naming the file and what changed, writes no completion record and leaves no
 * output of the changed day; the other units finish. Unchanged sources pass, with one identity request per source
 * per run however many chunks are read. The S3 path runs against s3rver (a real S3-compatible server).
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { computeProject, referenceReader } from "../../compute/index.js";
import { writeEra5Like } from "../../pipelines/demo/era5-like.js";
import { computeConfigOf, computePhase } from "../../pipelines/phases/compute/compute-phase.js";
import { dataVariables } from "../../pipelines/phases/compute/variables.js";
import { computeOutput } from "../../pipelines/phases/compute-output.js";
import { sourceOpener } from "../../pipelines/phases/open-sources.js";
import { loadReferences, recordedSources } from "../../pipelines/phases/references.js";
import { FileResults } from "../../pipelines/phases/scan/file-results.js";
import { scanPhase } from "../../pipelines/phases/scan/scan-phase.js";
import { validatePhase } from "../../pipelines/phases/validate-phase.js";
import { defaultConfig, type ProjectConfig } from "../../pipelines/project/config.js";
import { Workspace } from "../../pipelines/project/workspace.js";
import { IdentityCheckedSource, type StackedSource } from "../../refs/storage/index.js";
import { S3Store } from "../../refs/storage/s3-store.js";
import { type S3Server, startS3rver } from "../servers/s3rver.js";

let dir: string;
let days: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "refs-source-changed-"));
  days = await writeEra5Like({
    dir: join(dir, "days"),
    days: 2,
    latNorth: 50,
    latSouth: 46,
    lonWest: 5,
    lonEast: 9,
    step: 0.5,
    chunks: [6, 4, 4],
  });
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function project(name: string, sources: string[], edit?: (c: ProjectConfig) => void) {
  const ws = new Workspace(dir, name);
  const config = defaultConfig(name, sources);
  config.compute.resolution = 3;
  config.compute.timePartition = "day"; // one unit per day, so a changed day fails alone
  config.references.inlineThreshold = 0; // every chunk read from its file
  edit?.(config);
  await mkdir(ws.dir, { recursive: true });
  await ws.saveConfig(config);
  return ws;
}

const quiet = { quiet: true, log: () => {} };

/** Completion records and Parquet files of the project's output, by relative path. */
async function outputs(ws: Workspace): Promise<string[]> {
  const root = join(ws.dir, "h3");
  const files = await readdir(root, { recursive: true }).catch(() => [] as string[]);
  return files.map(String).filter((f) => f.endsWith(".parquet") || f.endsWith(".json"));
}

describe("local sources", () => {
  it("records each file's size and mtime at scan, in its result and beside the references", async () => {
    const data = join(dir, "record-data");
    await mkdir(data);
    for (const d of days) await copyFile(d, join(data, basename(d)));
    const ws = await project("record", [join(data, "*.nc")]);
    await scanPhase(ws, quiet);
    const [first] = [join(data, basename(days[0] as string))];
    const record = await new FileResults(ws.scansDir).get(first as string);
    expect(record?.identity?.size).toBe((await readFile(first as string)).length);
    expect(record?.identity?.mtime).toMatch(/^\d{4}-\d\d-\d\dT/);
    const { summary } = await loadReferences(ws);
    expect(Object.keys(recordedSources(summary)).sort()).toEqual(days.map((d) => join(data, basename(d))));
  });

  it("a day replaced by another day after scan: its units fail naming the file and the change, the others finish", async () => {
    const data = join(dir, "replaced-data");
    await mkdir(data);
    for (const d of days) await copyFile(d, join(data, basename(d)));
    const ws = await project("replaced", [join(data, "*.nc")]);
    await scanPhase(ws, quiet);
    const second = join(data, basename(days[1] as string));
    // The wrong day's bytes under the right day's name (the case), with a later mtime.
    await copyFile(days[0] as string, second);
    await utimes(second, new Date(), new Date(Date.now() + 5_000));

    const { status, summary } = await computePhase(ws, quiet);
    expect(status.state).toBe("partial");
    expect(summary?.unitsRun).toBeGreaterThan(0);
    expect(status.failures.length).toBeGreaterThan(0);
    for (const f of status.failures) {
      expect(f.reason).toContain(second);
      expect(f.reason).toMatch(
        /changed since it was scanned \((size \d+ -> \d+, )?modification time .+ -> .+\)/,
      );
      expect(f.reason).toContain("rerun `refs scan`");
    }
    // Nothing of the replaced day was written: no partition of 2022-01-02, no completion record of its units
    // (h0 cells the grid does not reach read nothing and are recorded done, empty, for both days).
    const written = await outputs(ws);
    expect(written.some((f) => f.includes("2022-01-01") && f.endsWith(".parquet"))).toBe(true);
    expect(written.filter((f) => f.includes("2022-01-02") && f.endsWith(".parquet"))).toEqual([]);
    const failedUnits = new Set(status.failures.map((f) => f.item));
    expect(written.filter((f) => [...failedUnits].some((u) => f.includes(u)))).toEqual([]);

    // validate refuses the changed file too
    const validated = await validatePhase(ws, { ...quiet, files: 2, force: true });
    const refused = validated.report.variables.filter((v) => v.file === second);
    expect(refused.length).toBeGreaterThan(0);
    expect(
      refused.every((v) => v.status === "failure" && /changed since it was scanned/.test(v.detail)),
    ).toBe(true);

    // The cure the error names: rescan (the changed file only), then compute finishes the failed units. The
    // right day goes back first (two copies of one day would not combine), under a new mtime.
    await copyFile(days[1] as string, second);
    await utimes(second, new Date(), new Date(Date.now() + 10_000));
    const rescanned = await scanPhase(ws, quiet);
    expect(rescanned.status.counts).toMatchObject({ done: 1, skipped: 1 });
    const again = await computePhase(ws, quiet);
    expect(again.status.state).toBe("done");
    expect(again.status.failures).toEqual([]);
  }, 60_000);

  it("unchanged sources pass, with one identity request per source per run, not per chunk", async () => {
    const data = join(dir, "same-data");
    await mkdir(data);
    for (const d of days) await copyFile(d, join(data, basename(d)));
    const ws = await project("same", [join(data, "*.nc")]);
    await scanPhase(ws, quiet);
    const config = await ws.loadConfig();
    const { refs, summary } = await loadReferences(ws);
    const recorded = recordedSources(summary);
    expect(Object.keys(recorded)).toHaveLength(2);
    const open = sourceOpener({}, recorded);
    const result = await computeProject(
      {
        refs,
        read: referenceReader(refs, open),
        output: computeOutput(ws, config),
      },
      computeConfigOf(config, dataVariables(refs)),
      { mappingThreads: 0 },
    );
    expect(result.failures).toEqual([]);
    expect(result.unitsRun).toBeGreaterThan(1);
    for (const url of Object.keys(recorded)) {
      const checked = open(url) as IdentityCheckedSource;
      expect(checked).toBeInstanceOf(IdentityCheckedSource);
      const stack = checked.inner as StackedSource;
      expect(checked.checks).toBe(1);
      // One stat for the whole run, though several units read the file (compute coalesces the reads of a
      // time slice, so reads are fewer than chunks, but still more than one).
      expect(stack.stats.sizeRequests).toBe(1);
      expect(stack.stats.requests).toBeGreaterThan(1);
    }
  }, 60_000);
});

describe("S3 sources (s3rver)", () => {
  let s3: S3Server;
  let store: S3Store;
  beforeAll(async () => {
    s3 = await startS3rver(["era5"]);
    store = new S3Store(s3.options);
    for (const d of days) await store.write(`s3://era5/days/${basename(d)}`, await readFile(d));
    vi.stubEnv("AWS_ACCESS_KEY_ID", "S3RVER");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "S3RVER");
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    (await store?.client())?.destroy();
    await s3?.close();
  });

  it("an object overwritten after scan is refused by its ETag, and a rescan cures it", async () => {
    const ws = await project("s3-replaced", ["s3://era5/days/*.nc"], (c) => {
      c.storage.s3 = { endpoint: s3.endpoint, region: "us-east-1", forcePathStyle: true, anonymous: false };
    });
    await scanPhase(ws, quiet);
    const second = `s3://era5/days/${basename(days[1] as string)}`;
    const record = await new FileResults(ws.scansDir).get(second);
    expect(record?.identity?.etag).toMatch(/^"[0-9a-f]{32}"$/);

    await store.write(second, await readFile(days[0] as string));
    const { status } = await computePhase(ws, quiet);
    expect(status.state).toBe("partial");
    expect(status.failures.length).toBeGreaterThan(0);
    for (const f of status.failures) {
      expect(f.reason).toContain(second);
      expect(f.reason).toMatch(/ETag "[0-9a-f]{32}" -> "[0-9a-f]{32}"/);
    }
    const written = await outputs(ws);
    expect(written.filter((f) => f.includes("2022-01-02") && f.endsWith(".parquet"))).toEqual([]);
    const failedUnits = [...new Set(status.failures.map((f) => f.item))];
    expect(written.filter((f) => failedUnits.some((u) => f.includes(u)))).toEqual([]);

    await store.write(second, await readFile(days[1] as string)); // the right day back, a new version
    await scanPhase(ws, quiet);
    expect((await computePhase(ws, quiet)).status.state).toBe("done");
  }, 60_000);
});
