/**
 * The archive-scale hourly case in its own process (its peak RSS is its own): `archive-case.ts <out> <hours>
 * <resolution> [workers]`. A global 0.25 degree ERA5-like series (int16 packed, one global chunk per hour, made on
 * demand) computed to H3 Parquet with the default layout (one file per h0 cell x time window); then the same rows
 * re-encoded by the raw Parquet writer file by file (the baseline), and a DuckDB query (mean by h0 cell over one
 * day) on the output. Prints JSON figures on the last line.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { LocalOutput } from "../../../compute/io/output.js";
import { encodeH3Parquet } from "../../../compute/parquet/writer.js";
import { referenceReader } from "../../../compute/read.js";
import { computeProject } from "../../../compute/run.js";
import { readAllRecords } from "../../../compute/units/record.js";
import { syntheticHourly } from "../../compute/helpers/synthetic.js";

const [out, hours, res] = process.argv.slice(2) as [string, string, string];
const nt = Number(hours);
const s = syntheticHourly(nt);
const io = {
  refs: s.dataset.refs,
  read: referenceReader(s.dataset.refs, s.open),
  output: new LocalOutput(out),
  cacheDir: `${out}-cache`,
};
const phases: Record<string, number> = {};
const started = performance.now();
const cpuStart = process.cpuUsage();
let planned = 0;
const summary = await computeProject(
  io,
  // REFS_BENCH_ROLLUPS=0: compute.rollups false (the data files alone, as the raw writer writes them)
  {
    variables: ["tp"],
    resolution: Number(res),
    ...(process.env.REFS_BENCH_ROLLUPS === "0" ? { rollups: false } : {}),
  },
  {
    mappingThreads: 2,
    wipe: true,
    onProgress: () => {
      planned ||= performance.now();
    },
  },
);
phases.compute = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStart);
const maxRssMiB = process.resourceUsage().maxRSS / 1024;

// the raw writer on the same rows: each output file read back (DuckDB) and encoded again, encode timed alone
const db = await DuckDBInstance.create(":memory:");
const con = await db.connect();
const records = await readAllRecords(io.output);
const files = [...records.values()].flatMap((r) => r.files);
const rowsPerFile = files.map((f) => f.rows).sort((a, b) => a - b);
let writerSeconds = 0;
let writerCpuSeconds = 0;
let writerRows = 0;
for (const f of files) {
  const reader = await con.runAndReadAll(
    `SELECT h${res} AS c, epoch_us(time) AS t, tp FROM read_parquet('${out}/${f.path}')`,
  );
  const cols = reader.getColumns();
  const n = reader.currentRowCount;
  const cells = BigUint64Array.from(cols[0] as bigint[]);
  const time = BigInt64Array.from(cols[1] as bigint[]);
  const data = Float64Array.from(cols[2] as (number | null)[], (v) => (v === null ? Number.NaN : v));
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await encodeH3Parquet(
    { cellColumn: `h${res}`, cells, time, values: [{ name: "tp", type: "float32", data }] },
    { rowGroupSize: 65536 },
  );
  writerSeconds += (performance.now() - t0) / 1000;
  const c1 = process.cpuUsage(c0);
  writerCpuSeconds += (c1.user + c1.system) / 1e6;
  writerRows += n;
}
const day = new Date(Date.UTC(1900, 0, 1) + 1_070_000 * 3_600_000).toISOString().slice(0, 10);
const q0 = performance.now();
const mean = await con.runAndReadAll(
  `SELECT h0, avg(tp) AS m FROM read_parquet('${out}/**/*.parquet', hive_partitioning = true)
   WHERE time >= TIMESTAMPTZ '${day} 00:00:00+00' AND time < TIMESTAMPTZ '${day} 00:00:00+00' + INTERVAL 1 DAY GROUP BY h0`,
);
const querySeconds = (performance.now() - q0) / 1000;
con.closeSync();
console.log(
  JSON.stringify({
    values: summary.values,
    rows: summary.rows,
    files: summary.files,
    units: summary.unitsTotal,
    window: summary.window,
    medianRowsPerFile: rowsPerFile[rowsPerFile.length >> 1] ?? 0,
    seconds: phases.compute,
    firstUnitSeconds: planned ? (planned - started) / 1000 : undefined,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssMiB,
    writerRowsPerSecond: writerRows / writerSeconds,
    writerRowsPerCpuSecond: writerRows / writerCpuSeconds,
    querySeconds,
    queryGroups: mean.currentRowCount,
    method: summary.method,
  }),
);
