/**
 * One benchmark case in its own process, so its peak RSS is its own: `bench-case.ts <case> <hours|side> <out>
 * [cacheDir|-] [resolution]` prints {seconds, cpuSeconds, values, rows, method, maxRssMiB}. Time covers
 * computeProject only; CPU time is the whole process's (all threads) over the same span, which tells the case's
 * own work apart from waiting for a machine shared with other jobs.
 */
import { LocalOutput } from "../../../compute/io/output.js";
import { referenceReader } from "../../../compute/read.js";
import { computeProject } from "../../../compute/run.js";
import { utmRaster } from "./cases.js";
import { chunkReader } from "./reader.js";
import { syntheticHourly } from "./synthetic.js";

const [name, hours, out, cacheDir, res] = process.argv.slice(2) as [string, string, string, string?, string?];
const nt = Number(hours);
let io: Parameters<typeof computeProject>[0];
let config: Parameters<typeof computeProject>[1];
let values: number;
if (name === "hourly") {
  const s = syntheticHourly(nt);
  io = { refs: s.dataset.refs, read: referenceReader(s.dataset.refs, s.open), output: new LocalOutput(out) };
  config = { variables: ["tp"], resolution: Number(res ?? 3) };
  values = nt * 720 * 1440;
} else {
  const side = nt;
  const r = utmRaster(side, side, 30, 512);
  io = {
    refs: r.dataset.refs,
    read: chunkReader(r.dataset.refs, r.dataset.sources),
    output: new LocalOutput(out),
  };
  config = { variables: ["band1"], resolution: 8 };
  values = side * side;
}
if (cacheDir && cacheDir !== "-") io.cacheDir = cacheDir;
const started = performance.now();
const cpuStart = process.cpuUsage();
const summary = await computeProject(io, config, { mappingThreads: 2, wipe: true });
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const maxRssMiB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(
  `${JSON.stringify({ seconds, cpuSeconds, values, rows: summary.rows, method: summary.method, maxRssMiB })}\n`,
);
