/**
 * Only the compute phase of the hourly archive case, for profiling (`node --cpu-prof --import tsx
 * hourly-compute-case.ts <out> <hours> <resolution>`): counts the reads the units make (calls, values) and prints
 * JSON figures on the last line. The mapping cache is `<out>-cache`, kept between runs.
 */
import { LocalOutput } from "../../../compute/io/output.js";
import { referenceReader } from "../../../compute/read.js";
import { computeProject } from "../../../compute/run.js";
import type { ArrayReader } from "../../../compute/source.js";
import { syntheticHourly } from "../../compute/helpers/synthetic.js";

const [out, hours, res] = process.argv.slice(2) as [string, string, string];
const s = syntheticHourly(Number(hours));
const inner = referenceReader(s.dataset.refs, s.open);
let reads = 0;
let valuesRead = 0;
const read: ArrayReader = async (path, region) => {
  reads++;
  const a = await inner(path, region);
  valuesRead += a.length;
  return a;
};
const started = performance.now();
const cpu0 = process.cpuUsage();
const summary = await computeProject(
  { refs: s.dataset.refs, read, output: new LocalOutput(out), cacheDir: `${out}-cache` },
  { variables: ["tp"], resolution: Number(res) },
  { mappingThreads: 2, wipe: true },
);
const cpu = process.cpuUsage(cpu0);
console.log(
  JSON.stringify({
    rows: summary.rows,
    files: summary.files,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    reads,
    valuesRead,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
