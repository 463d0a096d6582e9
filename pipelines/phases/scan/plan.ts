import type { ReferenceSet } from "../../../refs/model/index.js";
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
  /** CF time encodings ("<units> (<calendar>)") of time-like coordinates in the sampled files, by array. */
  timeEncodings: Record<string, string[]>;
}

/**
 * The distinct CF time encodings of each time-like array (units "<unit> since <date>") across the sampled files:
 * more than one for an array means the combine re-encodes it to the first.
 */
export function timeEncodings(sets: readonly ReferenceSet[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const refs of sets) {
    for (const [key, attrs] of refs.metadata) {
      if (!key.endsWith("/.zattrs") || typeof attrs.units !== "string" || !/\ssince\s/.test(attrs.units))
        continue;
      const name = key.slice(0, -"/.zattrs".length);
      const encoding = `${attrs.units} (${typeof attrs.calendar === "string" ? attrs.calendar : "standard"})`;
      const seen = out[name] ?? [];
      if (!seen.includes(encoding)) seen.push(encoding);
      out[name] = seen;
    }
  }
  return out;
}

/** Bytes one chunk reference takes in kerchunk JSON beyond its URL (key, offset, length, punctuation). */
const JSON_BYTES_PER_REF = 40;

export function planScan(
  config: ProjectConfig,
  files: number,
  sample: readonly FileScanSummary[],
  sampleSets: readonly ReferenceSet[] = [],
): ScanPlan {
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
    timeEncodings: timeEncodings(sampleSets),
  };
}
