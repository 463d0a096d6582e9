/**
 * The per-file memory budget of scanFile: reads and chunk tables are charged before they happen, so a file whose
 * metadata would make the scanner allocate past the budget fails alone, with ScanBudgetError naming the file, the
 * object and what asked for more. Budgets here are small so the files stay small; the default is 256 MiB.
 */

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import h5wasm from "h5wasm/node";
import { afterAll, describe, expect, it } from "vitest";
import { MemorySource } from "../../refs/storage/memory.js";
import { DEFAULT_SCAN_MEMORY_BUDGET, ScanBudgetError, ScanError, scanFile } from "../../scanner/index.js";
import { writeNetCDF3 } from "./netcdf3/write-netcdf3.js";

const dir = mkdtempSync(join(tmpdir(), "refs-budget-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A NetCDF3 file with 100,000 one-byte records: a 4.8 MB range list and a 2 MB chunk table from a 200 KB file. */
function manyRecords(): Uint8Array {
  const n = 100_000;
  return writeNetCDF3({
    version: 1,
    dims: [["time", 0]],
    numrecs: n,
    vars: [
      { name: "flag", type: "byte", dims: ["time"], data: Array.from({ length: n }, (_, i) => i % 100) },
    ],
  }).bytes;
}

describe("scan memory budget", () => {
  it("a header asking for more record ranges than the budget: refused before they are built", async () => {
    const bytes = manyRecords();
    const error = await scanFile(new MemorySource("mem://r.nc", bytes), "r.nc", {
      memoryBudget: 1 << 20,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScanBudgetError);
    expect(error).toBeInstanceOf(ScanError);
    const e = error as ScanBudgetError;
    expect(e.object).toBe("flag");
    expect(e.what).toBe("100000 record ranges");
    expect(e.budget).toBe(1 << 20);
    expect(e.message).toMatch(
      /^r\.nc \(object flag\): 100000 record ranges needs 4800000 bytes, past the scan's memory budget of 1048576 bytes/,
    );
    // the same file within the default budget scans
    const ok = await scanFile(new MemorySource("mem://r.nc", bytes), "r.nc");
    expect(ok.refs.arrays.get("flag")?.count).toBe(100_000);
    expect(DEFAULT_SCAN_MEMORY_BUDGET).toBe(256 * 2 ** 20);
  });

  it("an HDF5 dataset whose chunk grid is larger than the budget: refused naming the dataset", async () => {
    await h5wasm.ready;
    const path = join(dir, "grid.h5");
    const f = new h5wasm.File(path, "w");
    // 10,000 chunks of one element: 200 KB of chunk table
    f.create_dataset({
      name: "fine",
      data: new Int8Array(10_000),
      shape: [100, 100],
      chunks: [1, 1],
    } as never);
    f.close();
    const bytes = new Uint8Array(readFileSync(path));
    const error = await scanFile(new MemorySource("mem://g.h5", bytes), "g.h5", {
      memoryBudget: 150_000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScanBudgetError);
    const e = error as ScanBudgetError;
    expect(e.object).toBe("/fine");
    expect(e.what).toBe("a chunk table of 10000 chunks");
    expect(e.message).toMatch(
      /^g\.h5 \(object \/fine\): a chunk table of 10000 chunks needs 200000 bytes, past/,
    );
    expect(
      (await scanFile(new MemorySource("mem://g.h5", bytes), "g.h5")).refs.arrays.get("fine")?.count,
    ).toBe(10_000);
  });

  it("bytes read through the reader are charged too: a metadata walk past the budget fails", async () => {
    const bytes = manyRecords();
    // the header alone is read, then the ranges: a budget smaller than the header read
    const error = await scanFile(new MemorySource("mem://r.nc", bytes), "r.nc", { memoryBudget: 64 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ScanBudgetError);
    expect((error as ScanBudgetError).what).toMatch(/^reading \d+ bytes at byte offset 0$/);
  });
});
