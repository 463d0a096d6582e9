/**
 * Compute benchmark: values/s end to end (read through the references, CF decode, map to H3, write Parquet) for
 * an hourly 0.25-degree grid and a projected raster, next to the raw speed of the Parquet writer alone and of
 * h3-js alone, with the peak resident memory seen during each case. Sources are in memory (uncompressed
 * chunks), so storage speed is not part of the figures; output goes to a local temporary folder.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { latLngToCell } from "h3-js";
import { cellsOfPoints } from "../../compute/cells/h3.js";
import { encodeH3Parquet } from "../../compute/parquet/writer.js";
import type { BenchTable } from "./table.js";

const caseScript = fileURLToPath(new URL("../compute/helpers/bench-case.ts", import.meta.url));

interface CaseResult {
  seconds: number;
  cpuSeconds: number;
  values: number;
  rows: number;
  method: string;
  maxRssMiB: number;
}

/** Runs one case in a child process (so peak RSS is the case's own) and returns its figures. */
function runCase(name: string, size: number, out: string, cacheDir?: string, res?: number): CaseResult {
  const args = [
    "--import",
    "tsx",
    caseScript,
    name,
    String(size),
    out,
    cacheDir ?? "-",
    ...(res ? [String(res)] : []),
  ];
  const stdout = execFileSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split("\n").pop() as string) as CaseResult;
}

async function writerAlone(rows: number) {
  const cells = new BigUint64Array(rows);
  const time = new BigInt64Array(rows);
  const data = new Float64Array(rows);
  const count = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) {
    cells[i] = 0x831f8dfffffffffn + BigInt(i >> 4) * 0x200000000n;
    time[i] = 1_643_587_200_000_000n + BigInt(i & 15) * 3_600_000_000n;
    data[i] = Math.sin(i) * 100;
    count[i] = 16;
  }
  await import("parquet-wasm"); // loaded on first use by the writer: not part of the rate measured
  const started = performance.now();
  const bytes = await encodeH3Parquet(
    { cellColumn: "h3", cells, time, values: [{ name: "tp", type: "float64", data }], count },
    { rowGroupSize: 65536 },
  );
  const seconds = (performance.now() - started) / 1000;
  return { rowsPerSecond: rows / seconds, bytes: bytes.length };
}

function h3Alone(points: number) {
  const lat = Float64Array.from({ length: points }, (_, i) => -80 + ((i * 0.37) % 160));
  const lng = Float64Array.from({ length: points }, (_, i) => -180 + ((i * 0.61) % 360));
  latLngToCell(0, 0, 3);
  const started = performance.now();
  cellsOfPoints(lat, lng, 3);
  return points / ((performance.now() - started) / 1000);
}

const WRITER_ROWS = 2_000_000;
const BASELINE = `Parquet writer alone: rows/s of encodeH3Parquet (h3, time, tp, count; ZSTD; ${WRITER_ROWS.toLocaleString("en-US")} rows in memory)`;

export default async function bench(): Promise<BenchTable[]> {
  const rows: (string | number)[][] = [];
  const writer = await writerAlone(WRITER_ROWS);
  const h3 = h3Alone(500_000);
  const ratio = (v: number) => v / writer.rowsPerSecond;
  rows.push([
    BASELINE,
    WRITER_ROWS,
    "-",
    writer.rowsPerSecond,
    "-",
    1,
    "-",
    "-",
    "-",
    loadavg()[0] as number,
  ]);
  rows.push([
    "h3-js latLngToCell alone, 1 thread (points/s)",
    500_000,
    "-",
    h3,
    "-",
    ratio(h3),
    "-",
    "-",
    "-",
  ]);
  const work = await mkdtemp(join(tmpdir(), "refs-bench-compute-"));
  try {
    const add = (label: string, r: CaseResult) => {
      const vps = r.values / r.seconds;
      const rps = r.rows / r.seconds;
      rows.push([
        `${label} (${r.method})`,
        r.values,
        r.rows,
        vps,
        rps,
        ratio(vps),
        ratio(rps),
        r.cpuSeconds,
        r.maxRssMiB,
        loadavg()[0] as number,
      ]);
    };
    for (const nt of [3, 6, 12]) {
      add(
        `hourly 0.25 deg, ${nt} h, res 3, mapping computed`,
        runCase("hourly", nt, join(work, `h${nt}`), join(work, `c${nt}`)),
      );
    }
    add(
      "hourly 0.25 deg, 12 h, res 3, mapping cached",
      runCase("hourly", 12, join(work, "h12b"), join(work, "c12")),
    );
    // Cells smaller than pixels: every cell samples the pixel under its centre, so rows out exceed values in.
    for (const nt of [2, 6]) {
      add(
        `hourly 0.25 deg, ${nt} h, res 5, mapping computed`,
        runCase("hourly", nt, join(work, `s${nt}`), join(work, `cs${nt}`), 5),
      );
    }
    add(
      "hourly 0.25 deg, 6 h, res 5, mapping cached",
      runCase("hourly", 6, join(work, "s6b"), join(work, "cs6"), 5),
    );
    add(
      "UTM raster 2048x2048 30 m, res 8, mapping computed",
      runCase("raster", 2048, join(work, "r"), join(work, "cr")),
    );
    add(
      "UTM raster 2048x2048 30 m, res 8, mapping cached",
      runCase("raster", 2048, join(work, "r2"), join(work, "cr")),
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return [
    {
      title: "compute: H3 Parquet end to end (read, CF decode, map, write) vs the Parquet writer alone",
      baseline: BASELINE,
      columns: [
        "case",
        "values in",
        "rows out",
        "values/s",
        "rows/s",
        "values/s vs writer",
        "rows/s vs writer",
        "CPU s",
        "peak RSS MiB",
        "load 1 min",
      ],
      rows,
      notes: [
        "values in = source values read (pixels x hours); rows out = Parquet rows written; the writer's speed counts rows",
        "'vs writer' = the case's values/s or rows/s divided by the writer's rows/s (goal: at least 0.5)",
        "aggregate: rows out < values in; sample (cells smaller than pixels): rows out > values in, so rows/s is the fair comparison",
        "CPU s = process CPU time (all threads) during the case: its own work, whatever else the machine runs",
        "hourly input is generated chunk by chunk on demand (int16 packed, _FillValue), so RSS is compute's own",
        "raster input (uint8, nodata 0) is held in memory; sources are uncompressed, so codec speed is not included",
        "mapping on 2 worker threads, cached on disk per grid block; 'cached' reruns reuse the cache of the run above",
        `load 1 min = the machine's 1-minute load average after each case, on ${cpus().length} cores`,
      ],
    },
  ];
}
