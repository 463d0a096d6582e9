/** What the scan phase logs and records about files, plans and combines (whole runs, shards and the combine). */
import { formatBytes } from "../../progress/progress.js";
import type { Failure } from "../../status/phase-status.js";
import type { CombineOutcome } from "./combine-step.js";
import type { FileScanRecord, FileScanSummary } from "./file-results.js";
import type { ScanPlan } from "./plan.js";

/** Which path the combine took: kept, appended to the previous set, or every file combined (and why). */
export function combineDetail(c: CombineOutcome): string {
  if (c.reused) return "unchanged";
  if (c.mode === "append") return `appended ${c.appended} file(s)`;
  return c.fullReason ? `full (${c.fullReason})` : "full";
}

/** What the combine did about files that encode a variable differently, so nobody is surprised in xarray. */
export function encodingLines(c: CombineOutcome): string[] {
  const lines = (c.perFilePacking ?? []).map(
    (v) =>
      `scan: the files pack ${v} with different scale_factor/add_offset: carried per file as ${v}_scale_factor ` +
      `and ${v}_add_offset (in xarray: ds.${v} * ds.${v}_scale_factor + ds.${v}_add_offset; refs applies them itself)`,
  );
  if (c.reencoded?.length)
    lines.push(`scan: ${c.reencoded.join(", ")}: times re-encoded into the combined time encoding`);
  return lines;
}

export function howCombined(c: CombineOutcome): string {
  return c.reused ? "" : ` (${combineDetail(c)})`;
}

/** -v: what happened to one file. */
export function fileLine(
  record: FileScanRecord | undefined,
  failure: Failure | undefined,
  skipped: boolean,
): string {
  if (failure || !record) return `scan: ${failure?.item}: failed: ${failure?.reason}`;
  if (skipped)
    return `scan: ${record.url}: unchanged since ${record.scannedAt}, kept (${record.chunks} chunks)`;
  return (
    `scan: ${record.url}: ${record.format}, ${record.chunks} chunks, ${record.requests} requests, ` +
    `${formatBytes(record.bytesRead)} read of ${formatBytes(record.size)}` +
    (record.issues.length ? `, ${record.issues.length} objects left out` : "")
  );
}

export function describePlan(p: ScanPlan): string {
  const times = Object.entries(p.timeEncodings).map(([name, encodings]) =>
    encodings.length === 1
      ? `scan: ${name} is encoded as ${encodings[0]} in every sampled file`
      : `scan: ${name} has ${encodings.length} encodings in the sample (${encodings.join("; ")}): combined values are re-encoded to the first`,
  );
  return [
    `scan: sampled ${p.sampled} of ${p.files} files: ${p.chunksPerFile.toFixed(0)} chunks per file,`,
    `average chunk ${(p.averageChunkBytes / 1024).toFixed(1)} KiB, about ${p.expectedReferences} references`,
    `(~${(p.expectedJsonBytes / 1048576).toFixed(1)} MiB as JSON) -> ${p.format}: ${p.formatReason}`,
  ]
    .join(" ")
    .concat(times.length ? `\n${times.join("\n")}` : "");
}

/** Figures of the scanned files for the phase status. */
export function recordTotals(records: readonly FileScanSummary[]): Record<string, number> {
  return {
    chunks: records.reduce((s, r) => s + r.chunks, 0),
    requests: records.reduce((s, r) => s + r.requests, 0),
    bytesRead: records.reduce((s, r) => s + r.bytesRead, 0),
    sourceBytes: records.reduce((s, r) => s + r.size, 0),
  };
}

/** What the combine made, for the phase status. */
export function combineStatusDetails(combined: CombineOutcome | undefined): Record<string, string> {
  if (!combined) return {};
  return {
    references: combined.path,
    concatDims: combined.concatDims.join(","),
    combine: combineDetail(combined),
    ...(combined.perFilePacking?.length ? { perFilePacking: combined.perFilePacking.join(",") } : {}),
    ...(combined.reencoded?.length ? { reencodedTimes: combined.reencoded.join(",") } : {}),
  };
}

/** The combine's log lines: where the references went and how, and what it did about differing encodings. */
export function combineLines(combined: CombineOutcome): string[] {
  return [
    `scan: ${combined.reused ? "combined references unchanged" : "wrote"} ${combined.path}${howCombined(combined)}`,
    ...encodingLines(combined),
  ];
}
