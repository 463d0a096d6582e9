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

const [workdir, days, step, res, window, reuse] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string?,
];
// "reuse": the workdir already holds the computed project; only the catalog phase runs (and is measured)
const ws = new Workspace(workdir, "files");
let files: number | undefined;
let rows: number | undefined;
let computeSeconds = 0;
if (reuse !== "reuse") {
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
  const config = defaultConfig("files", [join(data, "*.nc")]);
  config.compute.resolution = Number(res);
  config.compute.timePartition = window as "hour";
  await ws.saveConfig(config);
  await scanPhase(ws, { quiet: true });
  const c0 = performance.now();
  const { summary } = await computePhase(ws, { quiet: true, workers: 2 });
  computeSeconds = (performance.now() - c0) / 1000;
  files = summary?.files;
  rows = summary?.rows;
}
let peak = 0;
let peakHeap = 0;
const sample = setInterval(() => {
  const m = process.memoryUsage();
  peak = Math.max(peak, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed + m.external + m.arrayBuffers);
}, 50);
const rssBefore = process.memoryUsage().rss;
const m0 = process.memoryUsage();
const heapBefore = m0.heapUsed + m0.external + m0.arrayBuffers;
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
    files: files ?? items - 1,
    rows,
    computeSeconds,
    items,
    staticItems,
    state: status.state,
    seconds,
    filesPerSecond: (files ?? items - 1) / seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    filesPerCpuSecond: (files ?? items - 1) / ((cpu.user + cpu.system) / 1e6),
    rssBeforeMiB: rssBefore / 2 ** 20,
    peakRssMiB: Math.max(peak, rssBefore) / 2 ** 20,
    heapBeforeMiB: heapBefore / 2 ** 20,
    peakHeapMiB: Math.max(peakHeap, heapBefore) / 2 ** 20,
  }),
);
