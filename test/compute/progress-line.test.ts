/**
 * The compute progress line: units done, rows, values/s and ETA. First the rendering with a fixed clock, then the
 * plain lines a real compute phase prints (as in logs and CI), whose last figures must match its summary.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { writeEra5Like } from "../../pipelines/demo/era5-like.js";
import { computePhase } from "../../pipelines/phases/compute/compute-phase.js";
import { scanPhase } from "../../pipelines/phases/scan/scan-phase.js";
import { formatCount, Progress } from "../../pipelines/progress/progress.js";
import { defaultConfig } from "../../pipelines/project/config.js";
import { Workspace } from "../../pipelines/project/workspace.js";

const LINE =
  /^compute: (\d+)\/(\d+) units \((\d+)%\), [\d.]+ units\/s, (\d+|[\d.]+[kMG]) rows, ([\d.]+[kMG]?) values\/s(, ETA \d+[smh]\S*)?$/;

describe("progress line with rows and values/s", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("renders units, rows, values per second and ETA", () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const lines: string[] = [];
    const progress = new Progress({
      label: "compute",
      total: 4,
      unit: "units",
      measures: [{ name: "rows" }, { name: "values", rate: true }],
      tty: false,
      intervalSeconds: 0,
      write: (t) => lines.push(t),
      startedAt: Date.now() - 1000,
    });
    vi.setSystemTime(1_001_000);
    progress.tick(1, 0, 0, { rows: 1000, values: 40_000 });
    expect(lines).toEqual(["compute: 1/4 units (25%), 0.5 units/s, 1000 rows, 20.0k values/s, ETA 6s\n"]);
    vi.setSystemTime(1_003_000);
    progress.tick(1, 0, 0, { rows: 24_000, values: 3_960_000 });
    progress.finish();
    expect(lines[1]).toBe("compute: 2/4 units (50%), 0.5 units/s, 25.0k rows, 1.00M values/s, ETA 4s\n");
  });
});

describe("refs compute progress", () => {
  let base: string;
  let ws: Workspace;

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), "refs-progress-"));
    await writeEra5Like({
      dir: join(base, "data"),
      days: 1,
      latNorth: 50,
      latSouth: 40,
      lonWest: 0,
      lonEast: 10,
      step: 0.5,
      chunks: [6, 11, 11],
    });
    ws = new Workspace(base, "p");
    const config = defaultConfig("p", [join(base, "data", "*.nc")]);
    config.compute.resolution = 4;
    await ws.saveConfig(config);
    await scanPhase(ws, { quiet: true });
  }, 60_000);

  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it("prints plain lines with units, rows and values/s as units finish; the last one adds up", async () => {
    const lines: string[] = [];
    const { summary } = await computePhase(ws, {
      log: () => {},
      progress: { tty: false, intervalSeconds: 0, write: (t) => lines.push(t.trimEnd()) },
    });
    expect(summary).toBeDefined();
    const s = summary as NonNullable<typeof summary>;
    expect(s.unitsPlanned).toBeGreaterThan(2);
    // one line per unit (interval 0) and the final one
    expect(lines.length).toBe(s.unitsPlanned + 1);
    for (const line of lines) expect(line).toMatch(LINE);
    const first = LINE.exec(lines[0] as string) as RegExpExecArray;
    expect([first[1], first[2]]).toEqual(["1", String(s.unitsPlanned)]);
    expect(first[6]).toMatch(/ETA/);
    const last = LINE.exec(lines.at(-1) as string) as RegExpExecArray;
    expect([last[1], last[3]]).toEqual([String(s.unitsPlanned), "100"]);
    expect(last[4]).toBe(formatCount(s.rows));
    expect(s.rows).toBeGreaterThan(0);
    expect(last[6]).toBeUndefined(); // nothing left
  }, 60_000);
});
