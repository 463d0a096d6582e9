/**
 * Compute benchmark: values/s end to end (read through the references, CF decode, map to H3, write Parquet) for
 * an hourly 0.25-degree grid and a projected raster, next to the raw speed of the Parquet writer alone and of
 * h3-js alone, with the peak resident memory seen during each case. Sources are in memory (uncompressed
 * chunks), so storage speed is not part of the figures; output goes to a local temporary folder.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { latLngToCell } from "h3-js";
import { cellsOfPoints } from "../../compute/cells/h3.js";
import type { ComputeConfig } from "../../compute/config.js";
import { LocalOutput } from "../../compute/io/output.js";
import { encodeH3Parquet } from "../../compute/parquet/writer.js";
import { computeProject } from "../../compute/run.js";
import { type Case, hourlyGrid, utmRaster } from "../compute/helpers/cases.js";
import { chunkReader } from "../compute/helpers/reader.js";
import type { BenchTable } from "./table.js";

/** Largest RSS (MiB) sampled while `work` runs. */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ value: T; peakMiB: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const value = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, peakMiB: peak / 1024 / 1024 };
  } finally {
    clearInterval(timer);
  }
}

async function endToEnd(c: Case, config: ComputeConfig, values: number) {
  const root = await mkdtemp(join(tmpdir(), "refs-bench-compute-"));
  try {
    global.gc?.();
    const { value, peakMiB } = await withPeakRss(async () => {
      const started = performance.now();
      const summary = await computeProject(
        {
          refs: c.dataset.refs,
          read: chunkReader(c.dataset.refs, c.dataset.sources),
          output: new LocalOutput(root),
        },
        config,
        { mappingThreads: 2 },
      );
      return { seconds: (performance.now() - started) / 1000, summary };
    });
    return { ...value, peakMiB, valuesPerSecond: values / value.seconds };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

function writerAlone(rows: number) {
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
  const started = performance.now();
  const bytes = encodeH3Parquet(
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

export default async function bench(): Promise<BenchTable[]> {
  const rows: (string | number)[][] = [];
  const writer = writerAlone(2_000_000);
  const h3 = h3Alone(500_000);
  const ratio = (v: number) => v / writer.rowsPerSecond;
  rows.push([
    "Parquet writer alone (rows of h3,time,value,count)",
    2_000_000,
    writer.rowsPerSecond,
    1,
    "-",
    "-",
  ]);
  rows.push(["h3-js latLngToCell alone, 1 thread (points)", 500_000, h3, ratio(h3), "-", "-"]);
  const hourly: { nt: number; peak: number }[] = [];
  for (const nt of [3, 6, 12]) {
    const c = hourlyGrid(0.25, nt, [1, 720, 1440], []);
    const values = nt * 720 * 1440;
    const r = await endToEnd(c, { variables: ["tp"], resolution: 3 }, values);
    hourly.push({ nt, peak: r.peakMiB });
    rows.push([
      `hourly 0.25 deg grid, ${nt} h, res 3 (${r.summary.method}), end to end`,
      values,
      r.valuesPerSecond,
      ratio(r.valuesPerSecond),
      r.summary.rows,
      r.peakMiB,
    ]);
  }
  const raster = utmRaster(2048, 2048, 30, 512);
  const rasterValues = 2048 * 2048;
  const rr = await endToEnd(raster, { variables: ["band1"], resolution: 8 }, rasterValues);
  rows.push([
    `UTM raster 2048x2048 of 30 m, res 8 (${rr.summary.method}), end to end`,
    rasterValues,
    rr.valuesPerSecond,
    ratio(rr.valuesPerSecond),
    rr.summary.rows,
    rr.peakMiB,
  ]);
  return [
    {
      title: "compute: H3 Parquet end to end vs its parts",
      baseline: "Parquet writer alone (rows/s)",
      columns: ["case", "values", "values/s", "ratio vs writer", "rows out", "peak RSS MiB"],
      rows,
      notes: [
        "values = source values read (pixels x hours); the writer's are rows written",
        "sources in memory, uncompressed chunks: storage and codec speed are not included",
        `peak RSS of hourly cases by hours: ${hourly.map((h) => `${h.nt}h ${h.peak.toFixed(0)} MiB`).join(", ")} (includes the generated input held in memory)`,
        "grid -> cell mapping on 2 worker threads, once per grid; each hour is then a gather",
      ],
    },
  ];
}
