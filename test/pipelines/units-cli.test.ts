/**
 * The commands around work units, through the refs command: init refuses a variable the files do not hold
 * (naming their arrays), `refs units` lists every unit (stable ids, valid, state), `refs compute --unit` and
 * `--bbox` run exactly the units they select, and compute.columns names the output column.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UnitPlan } from "../../compute/index.js";
import { EXIT } from "../../pipelines/cli/command.js";
import { writeEra5Like } from "../../pipelines/demo/era5-like.js";
import { scanPhase } from "../../pipelines/phases/scan/scan-phase.js";
import { defaultConfig } from "../../pipelines/project/config.js";
import { Workspace } from "../../pipelines/project/workspace.js";
import { datasetSql, duckQuery, duckTypes } from "../compute/helpers/duck.js";
import { runCli } from "./helpers/run-cli.js";

let base: string;
let data: string;
let ws: Workspace;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), "refs-units-"));
  data = join(base, "data");
  // 20 degrees around (45N, 10E): a few h0 cells
  await writeEra5Like({
    dir: data,
    days: 2,
    latNorth: 55,
    latSouth: 35,
    lonWest: 0,
    lonEast: 20,
    step: 1,
    chunks: [6, 7, 7],
  });
  ws = new Workspace(base, "era5");
  const config = defaultConfig("era5", [join(data, "*.nc")]);
  config.compute.resolution = 3;
  config.compute.timePartition = "day";
  config.compute.columns = { tp: "precip" };
  await ws.saveConfig(config);
  await scanPhase(ws, { quiet: true });
}, 120_000);

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

const units = async () => {
  const r = await runCli(["units", "era5", "--workdir", base, "--json"]);
  expect(r.code, r.err).toBe(EXIT.ok);
  return JSON.parse(r.out) as UnitPlan;
};

describe("work units from the command line", { timeout: 120_000 }, () => {
  it("init refuses a variable the files do not hold, naming the arrays they have", async () => {
    const bad = await runCli([
      "init",
      "x",
      "--source",
      join(data, "*.nc"),
      "--variable",
      "precipitation",
      "--workdir",
      base,
    ]);
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.err).toContain('no variable "precipitation"');
    expect(bad.err).toMatch(/its arrays: latitude, longitude, time, tp/);
    const good = await runCli([
      "init",
      "y",
      "--source",
      join(data, "*.nc"),
      "--variable",
      "tp",
      "--workdir",
      base,
    ]);
    expect(good.code, good.err).toBe(EXIT.ok);
  });

  it("refs units lists every unit (h0 cell x day) with stable ids; --unit and --bbox compute exactly those", async () => {
    const first = await units();
    expect(first.window).toBe("day");
    expect(first.units.length).toBe(122 * 2);
    const valid = first.units.filter((u) => u.valid);
    expect(valid.length).toBeGreaterThan(1);
    expect(valid.length).toBeLessThan(20);
    expect(first.units.every((u) => u.state === "pending")).toBe(true);
    const one = valid[0]?.id as string;
    const c = await runCli(["compute", "era5", "--workdir", base, "--unit", one, "-q"]);
    expect(c.code, c.err).toBe(EXIT.ok);
    const second = await units();
    expect(second.units.map((u) => u.id)).toEqual(first.units.map((u) => u.id));
    expect(second.units.filter((u) => u.state === "done").map((u) => u.id)).toEqual([one]);
    const text = await runCli(["units", "era5", "--workdir", base, "--valid"]);
    expect(text.out).toMatch(new RegExp(`${one} +valid +done`));
    // --bbox: the units whose h0 cell's bounds meet the box, as refs units lists them
    const box = "5,40,6,41";
    const listed = await runCli(["units", "era5", "--workdir", base, "--bbox", box, "--json"]);
    const inBox = (JSON.parse(listed.out) as UnitPlan).units.map((u) => u.id);
    expect(inBox.length).toBeGreaterThan(0);
    const b = await runCli(["compute", "era5", "--workdir", base, "--bbox", box, "--json"]);
    expect(b.code, b.err).toBe(EXIT.ok);
    expect(JSON.parse(b.out).summary.unitsSelected).toBe(inBox.length);
    const third = await units();
    expect(
      third.units
        .filter((u) => u.state === "done")
        .map((u) => u.id)
        .sort(),
    ).toEqual([...new Set([one, ...inBox])].sort());
    const unknown = await runCli(["compute", "era5", "--workdir", base, "--unit", "nope"]);
    expect(unknown.code).not.toBe(EXIT.ok);
    expect(unknown.err).toContain("no unit nope");
    const badBox = await runCli(["compute", "era5", "--workdir", base, "--bbox", "1,2,3"]);
    expect(badBox.code).toBe(EXIT.usage);
    // compute.columns: tp is written as "precip"
    const types = await duckTypes(ws.computeDir);
    expect(types).toHaveProperty("precip");
    expect(types).not.toHaveProperty("tp");
    const [rows] = await duckQuery(datasetSql(ws.computeDir, "count(*) AS n"));
    expect(Number(rows?.n)).toBe(third.units.reduce((s, u) => s + (u.rows ?? 0), 0));
  });

  it("--k8s with compute.units h0 prints a Job of 122 completions: pod i runs unit i, the i-th h0 cell", async () => {
    const config = await ws.loadConfig();
    await ws.saveConfig({ ...config, compute: { ...config.compute, units: "h0" } });
    try {
      const printed = await runCli([
        "compute",
        "era5",
        "--k8s",
        "--image",
        "x/refs:1",
        "--pvc",
        "c",
        "--workdir",
        base,
      ]);
      expect(printed.code, printed.err).toBe(EXIT.ok);
      const job = JSON.parse(printed.out);
      expect(job.spec.completions).toBe(122);
      const plan = await units();
      expect(plan.units.length).toBe(122);
      expect(plan.layout).toBe("h0");
      // pod i (JOB_COMPLETION_INDEX=i of 122) computes exactly unit i
      const i = plan.units.findIndex((u) => u.valid);
      const pod = await runCli(["compute", "era5", "--workdir", base, "--shard", `${i}/122`, "--json"]);
      expect(pod.code, pod.err).toBe(EXIT.ok);
      expect(JSON.parse(pod.out).summary.unitsPlanned).toBe(1);
      const after = await units();
      expect(after.units[i]?.state).toBe("done");
      expect(after.units.filter((u) => u.state === "done").length).toBe(1);
    } finally {
      await ws.saveConfig(config);
    }
  });
});
