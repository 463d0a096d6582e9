/**
 * One read path per scanned file (scanner/scan-source.ts): scanFile wraps the source once, before format detection,
 * and detection, headers and the format's metadata walk all read through that one cache and counter. The memory
 * budget is charged for what reaches the cache from the file (misses), once: reads served from the cache cost
 * nothing more.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import h5wasm from "h5wasm/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReferenceSet } from "../../refs/model/index.js";
import { CountingSource, MemorySource } from "../../refs/storage/index.js";
import { ScanBudget } from "../../scanner/budget.js";
import { scanHdf5 } from "../../scanner/hdf5/scan.js";
import { ScanSource, scanFile } from "../../scanner/index.js";
import { writeNetCDF3 } from "./netcdf3/write-netcdf3.js";

const dir = mkdtempSync(join(tmpdir(), "refs-scan-source-"));
let h5: Uint8Array;

beforeAll(async () => {
  await h5wasm.ready;
  const path = join(dir, "g.h5");
  const f = new h5wasm.File(path, "w");
  for (let i = 0; i < 20; i++) {
    const d = f.create_dataset({
      name: `v${i}`,
      data: new Float32Array(400),
      shape: [20, 20],
      chunks: [5, 5],
    });
    d.create_attribute("units", "K");
  }
  f.close();
  h5 = new Uint8Array(readFileSync(path));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const netcdf = writeNetCDF3({
  version: 1,
  dims: [
    ["time", 0],
    ["x", 50],
  ],
  numrecs: 4,
  vars: [{ name: "t", type: "float", dims: ["time", "x"], data: [] }],
}).bytes;

/** Bytes the scanner charges for chunk tables: 20 per chunk (see scanner/budget.ts). */
function tableBytes(refs: ReferenceSet): number {
  let n = 0;
  for (const table of refs.arrays.values()) n += table.count * 20;
  return n;
}

describe("one read path per scanned file", () => {
  it("NetCDF3: format detection and the header share one request", async () => {
    const counting = new CountingSource(new MemorySource("mem://a.nc", netcdf));
    const { format } = await scanFile(counting, "a.nc");
    expect(format).toBe("netcdf3");
    // Detection's 8 bytes fetch the 64 KiB span the header reader asks for next (here: the whole small file).
    expect(counting.stats).toMatchObject({ requests: 1, bytes: netcdf.length });
  });

  it("HDF5: detection adds no request to what the scanner reads", async () => {
    const alone = new CountingSource(new MemorySource("mem://g.h5", h5));
    const direct = await scanHdf5(alone, "g.h5");
    const counting = new CountingSource(new MemorySource("mem://g.h5", h5));
    const detected = await scanFile(counting, "g.h5");
    expect(detected.format).toBe("hdf5");
    expect(counting.stats.requests).toBe(alone.stats.requests);
    expect(counting.stats.bytes).toBe(alone.stats.bytes);
    // the scanner reports the one counter's numbers
    expect(direct.stats).toMatchObject({ requests: alone.stats.requests, bytesRead: alone.stats.bytes });
  });

  it("a scanner handed a scan's source adds no cache of its own: a second scan reads nothing", async () => {
    const counting = new CountingSource(new MemorySource("mem://g.h5", h5));
    const scan = ScanSource.of(counting);
    expect(ScanSource.of(scan)).toBe(scan);
    await scanHdf5(scan, "g.h5");
    const after = { ...counting.stats };
    await scanHdf5(scan, "g.h5");
    expect(counting.stats.requests).toBe(after.requests);
    expect(counting.stats.bytes).toBe(after.bytes);
  });

  it("the budget is charged for the bytes fetched into the one cache, once", async () => {
    const budget = new ScanBudget("g.h5", 1 << 30);
    const scan = ScanSource.of(new MemorySource("mem://g.h5", h5), budget);
    const first = await scanHdf5(scan, "g.h5", { budget });
    const fetched = scan.stats.bytes;
    expect(fetched).toBeGreaterThan(0);
    expect(budget.used).toBe(fetched + tableBytes(first.refs));
    // the same reads again are served by the cache: only the new chunk tables are charged
    const second = await scanHdf5(scan, "g.h5", { budget });
    expect(budget.used).toBe(fetched + tableBytes(first.refs) + tableBytes(second.refs));
  });
});
