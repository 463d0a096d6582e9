/**
 * A rescan that only adds files at the end of the series appends them to the combined set left by the last run,
 * without loading the earlier files' references, and writes exactly what combining every file would. Anything
 * else (a file removed, changed, or sorting before the combined ones) combines every file again, and says why.
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { writeEra5Like } from "../../pipelines/demo/era5-like.js";
import { FileResults } from "../../pipelines/phases/scan/file-results.js";
import { scanPhase } from "../../pipelines/phases/scan/scan-phase.js";
import { defaultConfig } from "../../pipelines/project/config.js";
import { Workspace } from "../../pipelines/project/workspace.js";

let workdir: string;
let days: string[];

beforeAll(async () => {
  workdir = await mkdtemp(join(tmpdir(), "refs-scan-append-"));
  // Five days; 2021-12-31 exists only to be added before the others.
  days = await writeEra5Like({
    dir: join(workdir, "all"),
    days: 5,
    start: new Date(Date.UTC(2021, 11, 31)),
    step: 2,
    chunks: [6, 8, 8],
  });
}, 60_000);

afterAll(async () => {
  await rm(workdir, { recursive: true, force: true });
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** A project over `<name>-data` holding copies of `files`, or over another project's folder (same URLs). */
async function project(
  name: string,
  format: "json" | "parquet",
  files: string[],
  dataOf = name,
): Promise<Workspace> {
  const ws = new Workspace(workdir, name);
  const data = join(workdir, `${dataOf}-data`);
  await mkdir(data, { recursive: true });
  for (const f of files) await copyFile(f, join(data, basename(f)));
  const config = defaultConfig(name, [join(data, "*.nc")]);
  config.references.format = format;
  await mkdir(ws.dir, { recursive: true });
  await ws.saveConfig(config);
  return ws;
}

async function scan(ws: Workspace) {
  const lines: string[] = [];
  const result = await scanPhase(ws, {
    sampleSize: 1,
    concurrency: 2,
    quiet: true,
    log: (l) => lines.push(l),
  });
  return { ...result, lines };
}

/** Every file of the combined output (JSON file or Parquet folder) by relative path. */
async function output(path: string): Promise<Map<string, Buffer>> {
  const entries = await readdir(path, { recursive: true, withFileTypes: true }).catch(() => undefined);
  if (!entries) return new Map([[basename(path), await readFile(path)]]);
  const files = new Map<string, Buffer>();
  for (const e of entries.filter((x) => x.isFile())) {
    const full = join(e.parentPath, e.name);
    files.set(relative(path, full), await readFile(full));
  }
  return files;
}

/** Byte-identical outputs; otherwise where the first difference is, with some text around it. */
async function expectSameOutput(path: string, wantPath: string): Promise<void> {
  const got = await output(path);
  const want = await output(wantPath);
  expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
  expect(got.size).toBeGreaterThan(0);
  for (const [name, bytes] of want) {
    const other = got.get(name) as Buffer;
    if (bytes.equals(other)) continue;
    let i = 0;
    while (i < bytes.length && bytes[i] === other[i]) i++;
    const around = (b: Buffer) => b.subarray(Math.max(0, i - 80), i + 80).toString("latin1");
    expect(`${name} at byte ${i}: ${around(other)}`).toBe(`${name} at byte ${i}: ${around(bytes)}`);
  }
}

/** Which per-file reference sets are loaded (by file name), through the loader every phase uses. */
function spyLoads(): string[] {
  const loaded: string[] = [];
  const original = FileResults.prototype.references;
  vi.spyOn(FileResults.prototype, "references").mockImplementation(function (this: FileResults, url: string) {
    loaded.push(basename(url));
    return original.call(this, url);
  });
  return loaded;
}

const day = (i: number): string => days[i] as string;
const dec31 = () => day(0);
const jan1 = () => day(1);
const jan2 = () => day(2);
const jan3 = () => day(3);
const jan4 = () => day(4);

describe.each(["json", "parquet"] as const)("rescan with files added at the end (%s)", (format) => {
  it("appends without loading the earlier files and equals a full combine byte for byte", async () => {
    const ws = await project(`append-${format}`, format, [jan1(), jan2(), jan3()]);
    const first = await scan(ws);
    expect(first.combined).toMatchObject({ mode: "full", files: 3, concatDims: ["time"] });
    expect(first.combined?.fullReason).toBeUndefined();

    await copyFile(jan4(), join(workdir, `append-${format}-data`, basename(jan4())));
    const loaded = spyLoads();
    const second = await scan(ws);
    expect(second.combined).toMatchObject({ mode: "append", appended: 1, files: 4, reused: false });
    // The sample (sampleSize 1) is loaded by planning; of the combined files, none.
    expect(loaded.sort()).toEqual([basename(jan1()), basename(jan4())].sort());
    expect(second.status.details?.combine).toBe("appended 1 file(s)");
    expect(second.lines.join("\n")).toMatch(/wrote \S+ \(appended 1 file\(s\)\)/);
    const summary = JSON.parse(await readFile(join(ws.referencesDir, "summary.json"), "utf8"));
    expect(summary).toMatchObject({ mode: "append", appended: 1, files: 4 });

    // Another project over the same files (so the same URLs) combines all four at once.
    const full = await project(`full-${format}`, format, [], `append-${format}`);
    const all = await scan(full);
    expect(all.combined).toMatchObject({ mode: "full", files: 4 });
    await expectSameOutput(second.combined?.path as string, all.combined?.path as string);

    // Nothing new: the set is kept as it is.
    const third = await scan(ws);
    expect(third.combined).toMatchObject({ reused: true, mode: "append" });
    expect(third.status.details?.combine).toBe("unchanged");
  }, 120_000);
});

describe("rescan that cannot append", () => {
  it("a file sorting before the combined ones: full combine, saying why, equal to a fresh combine", async () => {
    const ws = await project("before", "json", [jan1(), jan2()]);
    await scan(ws);
    await copyFile(dec31(), join(workdir, "before-data", basename(dec31())));
    const loaded = spyLoads();
    const again = await scan(ws);
    expect(again.combined).toMatchObject({ mode: "full", files: 3 });
    expect(again.combined?.fullReason).toMatch(/era5_tp_2021-12-31\.nc sorts before files already combined/);
    expect(again.status.details?.combine).toMatch(/^full \(.*sorts before/);
    expect(new Set(loaded)).toEqual(new Set([dec31(), jan1(), jan2()].map((f) => basename(f))));
    const fresh = await project("before-fresh", "json", [], "before");
    await expectSameOutput(again.combined?.path as string, (await scan(fresh)).combined?.path as string);
  }, 120_000);

  it("a file removed, or one changed: full combine naming the file", async () => {
    const ws = await project("removed", "json", [jan1(), jan2(), jan3()]);
    await scan(ws);
    await rm(join(workdir, "removed-data", basename(jan2())));
    await copyFile(jan4(), join(workdir, "removed-data", basename(jan4())));
    const removed = await scan(ws);
    expect(removed.combined).toMatchObject({ mode: "full", files: 3 });
    expect(removed.combined?.fullReason).toMatch(/era5_tp_2022-01-02\.nc was removed/);

    // A different size makes the scan redo the file, so it is no longer the file that was combined.
    const changed = join(workdir, "removed-data", basename(jan3()));
    await writeFile(changed, Buffer.concat([await readFile(changed), Buffer.alloc(16)]));
    const again = await scan(ws);
    expect(again.combined).toMatchObject({ mode: "full", files: 3 });
    expect(again.combined?.fullReason).toMatch(/era5_tp_2022-01-03\.nc changed since it was combined/);
  }, 120_000);

  it("new times inside the combined range: the append is refused, the full combine names both files", async () => {
    const ws = await project("overlap", "json", [jan1(), jan2()]);
    await scan(ws);
    // Sorts after the others by name, but holds 2022-01-01 again.
    await copyFile(jan1(), join(workdir, "overlap-data", "zz-copy-of-jan1.nc"));
    const loaded = spyLoads();
    const failed = await scan(ws).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failed?.message).toMatch(
      /era5_tp_2022-01-01\.nc, \S*zz-copy-of-jan1\.nc\): both files are at time=/,
    );
    // The append loaded only the new file; then the full combine loaded every file.
    expect(loaded.filter((f) => f === "era5_tp_2022-01-02.nc")).toHaveLength(1);
    expect(loaded.filter((f) => f === "zz-copy-of-jan1.nc")).toHaveLength(2);
  }, 120_000);

  it("a new file named last but earlier in time: full combine (the earlier files would move)", async () => {
    const ws = await project("earlier", "json", [jan1(), jan2()]);
    await scan(ws);
    await copyFile(dec31(), join(workdir, "earlier-data", "zz-dec31.nc"));
    const again = await scan(ws);
    expect(again.combined).toMatchObject({ mode: "full", files: 3 });
    expect(again.combined?.fullReason).toBe(
      `append failed: new files' "time" values come before the end of the combined set (at index 0)`,
    );
    const fresh = await project("earlier-fresh", "json", [], "earlier");
    await expectSameOutput(again.combined?.path as string, (await scan(fresh)).combined?.path as string);
  }, 120_000);
});
