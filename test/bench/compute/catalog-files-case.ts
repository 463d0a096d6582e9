/**
 * One catalog-scale case in its own process (so peak RSS is its own): `catalog-files-case.ts <workdir> <days>
 * <stepDeg> <res> <window>` writes an ERA5-like global series, scans and computes it into many partition files,
 * then times the catalog phase alone, sampling RSS during it, and prints JSON figures on the last line.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { writeEra5Like } from "../../../pipelines/demo/era5-like.js";
import { catalogPhase } from "../../../pipelines/phases/catalog/catalog-phase.js";
import { computePhase } from "../../../pipelines/phases/compute/compute-phase.js";
import { scanPhase } from "../../../pipelines/phases/scan/scan-phase.js";
import { defaultConfig } from "../../../pipelines/project/config.js";
import { Workspace } from "../../../pipelines/project/workspace.js";

const [workdir, days, step, res, window] = process.argv.slice(2) as [string, string, string, string, string];
const data = join(workdir, "data");
await writeEra5Like({
  dir: data,
  days: Number(days),
  latNorth: 90,
  latSouth: -90,
  lonWest: 0,
  lonEast: 360 - Number(step),
  step: Number(step),
  chunks: [24, 91, 180],
});
const ws = new Workspace(workdir, "files");
const config = defaultConfig("files", [join(data, "*.nc")]);
config.compute.resolution = Number(res);
config.compute.timePartition = window as "hour";
await ws.saveConfig(config);
await scanPhase(ws, { quiet: true });
const c0 = performance.now();
const { summary } = await computePhase(ws, { quiet: true, workers: 2 });
const computeSeconds = (performance.now() - c0) / 1000;
let peak = 0;
const sample = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 50);
const rssBefore = process.memoryUsage().rss;
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const schemasDir = process.env.REFS_STAC_SCHEMAS;
const { items, status } = await catalogPhase(ws, { quiet: true, ...(schemasDir ? { schemasDir } : {}) });
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
clearInterval(sample);
const staticItems = (await readdir(join(ws.catalogDir, "files", "items"))).length;
console.log(
  JSON.stringify({
    files: summary?.files,
    rows: summary?.rows,
    computeSeconds,
    items,
    staticItems,
    state: status.state,
    seconds,
    filesPerSecond: (summary?.files ?? 0) / seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    filesPerCpuSecond: (summary?.files ?? 0) / ((cpu.user + cpu.system) / 1e6),
    rssBeforeMiB: rssBefore / 2 ** 20,
    peakRssMiB: Math.max(peak, rssBefore) / 2 ** 20,
  }),
);
