import type { ObjectInfo, StorageOptions } from "../../../refs/storage/index.js";
import { type ScanOptions, scanFile } from "../../../scanner/index.js";
import type { Failure } from "../../status/phase-status.js";
import { openScanSource } from "../open-sources.js";
import { FileResults, type FileScanRecord, type FileScanSummary, summaryOf } from "./file-results.js";
import { identityToRecord, stillMatches } from "./source-identity.js";

export interface ScanFilesOptions {
  storage: StorageOptions;
  scan: ScanOptions;
  /** Files scanned at once (each through its own source: see openScanSource). */
  concurrency: number;
  onFile?: (record: FileScanRecord | undefined, failure: Failure | undefined, skipped: boolean) => void;
}

export interface ScanFilesResult {
  /** Per file, without its references (loaded one by one when combining, to keep memory flat). */
  records: FileScanSummary[];
  failures: Failure[];
  skipped: number;
}

/**
 * Scan each file that has no result yet (or whose size, ETag, generation or mtime changed), keeping each result on disk as soon as it is
 * made; a failing file is recorded and the others go on.
 */
export async function scanFiles(
  files: readonly ObjectInfo[],
  results: FileResults,
  options: ScanFilesOptions,
): Promise<ScanFilesResult> {
  const records: (FileScanSummary | undefined)[] = new Array(files.length);
  const failures: Failure[] = [];
  let skipped = 0;
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      const file = files[i] as ObjectInfo;
      const previous = await results.get(file.url);
      if (previous && stillMatches(previous, file)) {
        records[i] = summaryOf(previous);
        skipped++;
        options.onFile?.(previous, undefined, true);
        continue;
      }
      try {
        const source = openScanSource(file.url, options.storage);
        const identity = await identityToRecord(file, source);
        const scanned = await scanFile(source, file.url, options.scan);
        const record = FileResults.toRecord(
          file.url,
          identity,
          scanned.format,
          scanned.refs,
          source.stats,
          scanned.issues,
        );
        await results.put(record);
        records[i] = summaryOf(record);
        options.onFile?.(record, undefined, false);
      } catch (error) {
        const failure = { item: file.url, reason: error instanceof Error ? error.message : String(error) };
        failures.push(failure);
        options.onFile?.(undefined, failure, false);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, files.length)) }, worker));
  return { records: records.filter((r): r is FileScanSummary => r !== undefined), failures, skipped };
}
