import type { ProjectConfig } from "../../project/config.js";
import type { FileScanSummary } from "./file-results.js";

/** What the sample of scanned files says about the whole set, and the reference format chosen from it. */
export interface ScanPlan {
  files: number;
  sampled: number;
  chunksPerFile: number;
  averageChunkBytes: number;
  expectedReferences: number;
  /** Rough size of the combined set as kerchunk JSON. */
  expectedJsonBytes: number;
  format: "json" | "parquet";
  formatReason: string;
}

/** Bytes one chunk reference takes in kerchunk JSON beyond its URL (key, offset, length, punctuation). */
const JSON_BYTES_PER_REF = 40;

export function planScan(config: ProjectConfig, files: number, sample: readonly FileScanSummary[]): ScanPlan {
  const chunks = sample.reduce((s, r) => s + r.chunks, 0);
  const chunkBytes = sample.reduce((s, r) => s + r.chunkBytes, 0);
  const chunksPerFile = sample.length ? chunks / sample.length : 0;
  const urlBytes = sample.length ? sample.reduce((s, r) => s + r.url.length, 0) / sample.length : 0;
  const expectedReferences = Math.round(chunksPerFile * files);
  const { format: wanted, parquetThreshold } = config.references;
  let format: "json" | "parquet";
  let formatReason: string;
  if (wanted !== "auto") {
    format = wanted;
    formatReason = `set in project.json (references.format = ${wanted})`;
  } else if (expectedReferences > parquetThreshold) {
    format = "parquet";
    formatReason = `about ${expectedReferences} references, above references.parquetThreshold ${parquetThreshold}`;
  } else {
    format = "json";
    formatReason = `about ${expectedReferences} references, within references.parquetThreshold ${parquetThreshold}`;
  }
  return {
    files,
    sampled: sample.length,
    chunksPerFile,
    averageChunkBytes: chunks ? chunkBytes / chunks : 0,
    expectedReferences,
    expectedJsonBytes: Math.round(expectedReferences * (JSON_BYTES_PER_REF + Math.min(urlBytes, 12))),
    format,
    formatReason,
  };
}
