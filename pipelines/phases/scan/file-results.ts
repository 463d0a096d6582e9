import { createHash } from "node:crypto";
import { RefsError } from "../../../refs/errors.js";
import { readKerchunkJson, writeKerchunkJson } from "../../../refs/formats/index.js";
import type { ReferenceSet } from "../../../refs/model/index.js";
import type { SourceIdentity } from "../../../refs/storage/index.js";
import type { ScanIssue } from "../../../scanner/index.js";
import { joinPath, listNames, removeTree } from "../../project/workdir-io.js";
import { readJson, writeJsonAtomic } from "../../project/workspace.js";

/** What a finished per-file scan left behind: enough to skip the file on a rerun and to combine without rescanning. */
export interface FileScanRecord {
  url: string;
  size: number;
  /**
   * The version of the file the references were made from (size, ETag / generation / mtime), taken before it
   * was read; compute and validate refuse to read a source that no longer matches it. Absent in older records.
   */
  identity?: SourceIdentity;
  format: string;
  scannedAt: string;
  chunks: number;
  chunkBytes: number;
  requests: number;
  bytesRead: number;
  issues: ScanIssue[];
  /** kerchunk JSON v1 of the file's references. */
  references: string;
}

/** A file's scan result is not on disk (the scan was wiped or never finished for it). */
export class MissingScanResultError extends RefsError {
  override name = "MissingScanResultError";
  constructor(readonly url: string) {
    super(`no scan result for ${url}: rerun \`refs scan\``);
  }
}

export type FileScanSummary = Omit<FileScanRecord, "references">;

export function summaryOf(record: FileScanRecord): FileScanSummary {
  const { references: _, ...summary } = record;
  return summary;
}

/** Per-file scan results under `<project>/scan/files/`, one JSON file per source, named by a hash of its URL. */
export class FileResults {
  constructor(readonly dir: string) {}

  private pathOf(url: string): string {
    return joinPath(this.dir, `${createHash("sha256").update(url).digest("hex").slice(0, 32)}.json`);
  }

  async get(url: string): Promise<FileScanRecord | undefined> {
    return readJson<FileScanRecord>(this.pathOf(url));
  }

  async put(record: FileScanRecord): Promise<void> {
    await writeJsonAtomic(this.pathOf(record.url), record);
  }

  async clear(): Promise<void> {
    await removeTree(this.dir);
  }

  async count(): Promise<number> {
    return (await listNames(this.dir)).filter((f) => f.endsWith(".json")).length;
  }

  static toRecord(
    url: string,
    identity: SourceIdentity,
    format: string,
    refs: ReferenceSet,
    stats: { requests: number; bytes: number },
    issues: ScanIssue[],
  ): FileScanRecord {
    let chunks = 0;
    let chunkBytes = 0;
    for (const table of refs.arrays.values()) {
      for (const i of table.present()) {
        chunks++;
        chunkBytes += Math.max(0, table.lengths[i] ?? 0) + (table.inline.get(i)?.length ?? 0);
      }
    }
    return {
      url,
      size: identity.size,
      identity,
      format,
      scannedAt: new Date().toISOString(),
      chunks,
      chunkBytes,
      requests: stats.requests,
      bytesRead: stats.bytes,
      issues,
      references: writeKerchunkJson(refs, { templates: false, keyOrder: "grouped" }),
    };
  }

  /** The references of a scanned file, read back from its record. */
  async references(url: string): Promise<ReferenceSet> {
    const record = await this.get(url);
    if (!record) throw new MissingScanResultError(url);
    return readKerchunkJson(record.references, { file: url });
  }
}
