/**
 * One h0 unit of the global COG case in its own process, as one Kubernetes pod would run it (its peak RSS is the
 * unit's own): `cog-unit-case.ts <cog.tif> <out> <unit id> [resolution]`. Scans the TIFF into references, computes
 * the unit (layout h0, the band named `carbon`) and prints JSON figures on the last line.
 */
import { LocalOutput } from "../../../compute/io/output.js";
import { referenceReader } from "../../../compute/read.js";
import { computeProject } from "../../../compute/run.js";
import { readAllRecords } from "../../../compute/units/record.js";
import { FileSource } from "../../../refs/storage/file.js";
import { scanTiff } from "../../../scanner/tiff/index.js";

const [tif, out, unit, res = "8"] = process.argv.slice(2) as [string, string, string, string?];
const url = `file://${tif}`;
const source = new FileSource(url);
const t0 = performance.now();
const { refs } = await scanTiff(source, url, { inlineThreshold: 0 });
const band = [...refs.arrays.keys()].find(
  (k) => ((refs.metadata.get(`${k}/.zarray`)?.shape as number[] | undefined)?.length ?? 0) === 2,
);
if (!band) throw new Error(`${tif}: no 2-D array in its references`);
const scanSeconds = (performance.now() - t0) / 1000;
const cpu0 = process.cpuUsage();
const c0 = performance.now();
const summary = await computeProject(
  {
    refs,
    read: referenceReader(refs, (u) => (u === url ? source : new FileSource(u))),
    output: new LocalOutput(out),
    cacheDir: `${out}-cache`,
  },
  { variables: [band], resolution: Number(res), units: "h0", columns: { [band]: "carbon" } },
  { units: [unit], mappingThreads: 0 },
);
const seconds = (performance.now() - c0) / 1000;
const cpu = process.cpuUsage(cpu0);
const record = (await readAllRecords(new LocalOutput(out))).get(unit);
console.log(
  JSON.stringify({
    unit,
    rows: summary.rows,
    values: summary.values,
    files: record?.files.length ?? 0,
    rowsPerFile: record?.files.map((f) => f.rows) ?? [],
    bytes: record?.files.reduce((n, f) => n + f.bytes, 0) ?? 0,
    method: summary.method,
    failures: summary.failures,
    scanSeconds,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
