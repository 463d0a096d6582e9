/**
 * Requests and bytes a scan costs, per fixture file served over loopback HTTP, two ways:
 * - direct: scanFile over a bare counting HttpSource (what the scanner itself asks for);
 * - pipeline: scanFile over the source `refs scan` opens (pipelines' openScanSource), counted at the network.
 * `SCAN_REQUESTS_JSON=path` also writes the rows as JSON, so two runs (before and after a change) can be compared.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { openScanSource } from "../../pipelines/phases/open-sources.js";
import { CountingSource, HttpSource } from "../../refs/storage/index.js";
import { scanFile } from "../../scanner/index.js";
import { fixtureFiles } from "../fixtures.js";
import { startRangeServer } from "../servers/http-range-server.js";
import type { BenchTable } from "./table.js";

export interface ScanCost {
  file: string;
  format: string;
  size: number;
  direct: { requests: number; bytes: number } | string;
  pipeline: { requests: number; bytes: number } | string;
}

export async function scanCosts(): Promise<ScanCost[]> {
  const server = await startRangeServer();
  const out: ScanCost[] = [];
  try {
    for (const f of fixtureFiles()) {
      if (!["hdf5", "netcdf3", "tiff"].includes(f.format)) continue;
      const path = `/${f.origin}/${f.file}`;
      server.objects.set(path, new Uint8Array(readFileSync(f.path)));
      const url = `${server.origin}${path}`;
      const row: ScanCost = {
        file: `${f.origin}/${f.file}`,
        format: f.format,
        size: f.bytes,
        direct: "",
        pipeline: "",
      };
      const counting = new CountingSource(new HttpSource(url));
      try {
        await scanFile(counting, url, { onError: "skip" });
        row.direct = { requests: counting.stats.requests, bytes: counting.stats.bytes };
      } catch (error) {
        row.direct = `failed: ${(error as Error).name}`;
      }
      const opened = openScanSource(url, {});
      try {
        await scanFile(opened, url, { onError: "skip" });
        row.pipeline = { requests: opened.stats.requests, bytes: opened.stats.bytes };
      } catch (error) {
        row.pipeline = `failed: ${(error as Error).name}`;
      }
      server.objects.delete(path);
      out.push(row);
    }
  } finally {
    await server.close();
  }
  return out;
}

export default async function scanRequests(): Promise<BenchTable> {
  const rows = await scanCosts();
  if (process.env.SCAN_REQUESTS_JSON)
    writeFileSync(process.env.SCAN_REQUESTS_JSON, JSON.stringify(rows, null, 1));
  const cell = (c: ScanCost["direct"]) => (typeof c === "string" ? c : `${c.requests} / ${c.bytes}`);
  return {
    title: "scan cost per fixture over loopback HTTP (requests / bytes)",
    baseline: "none",
    columns: ["file", "format", "size", "direct", "pipeline"],
    rows: rows.map((r) => [r.file, r.format, r.size, cell(r.direct), cell(r.pipeline)]),
  };
}
