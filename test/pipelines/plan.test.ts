import { describe, expect, it } from "vitest";
import type { FileScanSummary } from "../../pipelines/phases/scan/file-results.js";
import { planScan, timeEncodings } from "../../pipelines/phases/scan/plan.js";
import { defaultConfig } from "../../pipelines/project/config.js";
import { emptyReferenceSet } from "../../refs/model/reference-set.js";

function withTime(units: string, calendar?: string) {
  const refs = emptyReferenceSet();
  refs.metadata.set("time/.zattrs", {
    units,
    ...(calendar ? { calendar } : {}),
    _ARRAY_DIMENSIONS: ["time"],
  });
  refs.metadata.set("lat/.zattrs", { units: "degrees_north" });
  return refs;
}

const summary = (chunks: number, chunkBytes: number): FileScanSummary => ({
  url: "s3://b/era5/f.nc",
  size: 1,
  format: "hdf5",
  scannedAt: "",
  chunks,
  chunkBytes,
  requests: 1,
  bytesRead: 1,
  issues: [],
});

describe("scan plan", () => {
  it("lists each time coordinate's encodings across the sample", () => {
    const sets = [
      withTime("hours since 1900-01-01", "gregorian"),
      withTime("hours since 1900-01-01", "gregorian"),
    ];
    expect(timeEncodings(sets)).toEqual({ time: ["hours since 1900-01-01 (gregorian)"] });
    sets.push(withTime("days since 2000-01-01"));
    expect(timeEncodings(sets).time).toEqual([
      "hours since 1900-01-01 (gregorian)",
      "days since 2000-01-01 (standard)",
    ]);
  });

  it("picks Parquet above the threshold of expected references, JSON below, or what the project says", () => {
    const config = defaultConfig("p", ["x"]);
    config.references.parquetThreshold = 1000;
    const sample = [summary(100, 100 * 4096), summary(120, 120 * 4096)];
    const small = planScan(config, 5, sample);
    expect(small).toMatchObject({ expectedReferences: 550, format: "json", averageChunkBytes: 4096 });
    expect(planScan(config, 50, sample).format).toBe("parquet");
    config.references.format = "json";
    expect(planScan(config, 50, sample)).toMatchObject({
      format: "json",
      formatReason: expect.stringMatching(/set in project/),
    });
  });
});
