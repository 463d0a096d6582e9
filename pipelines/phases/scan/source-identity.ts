/** Which version of a source a scan read, and whether a kept scan result still matches the source listed now. */
import {
  type ByteSource,
  currentIdentity,
  identityChanges,
  type ObjectInfo,
  type SourceIdentity,
} from "../../../refs/storage/index.js";
import type { FileScanRecord } from "./file-results.js";

/**
 * The identity to record for a file about to be scanned: the listing's when it carries a version (ETag,
 * generation, mtime: no extra request), else one HEAD/stat. Taken before the scan reads anything, so a file
 * replaced during its scan is recorded as the old version and refused later, never the other way round.
 */
export async function identityToRecord(listed: ObjectInfo, source: ByteSource): Promise<SourceIdentity> {
  const { url: _, ...identity } = listed;
  if (identity.etag !== undefined || identity.generation !== undefined || identity.mtime !== undefined) {
    return identity;
  }
  return currentIdentity(source);
}

/** A kept result still describes the listed file: same identity (or, for records without one, same size). */
export function stillMatches(record: FileScanRecord, listed: ObjectInfo): boolean {
  if (!record.identity) return record.size === listed.size;
  const { url: _, ...identity } = listed;
  return identityChanges(record.identity, identity).length === 0;
}

/** Each file's recorded identity, by URL, for the phases that read through the references. */
export function identitiesOf(
  records: readonly { url: string; identity?: SourceIdentity }[],
): Record<string, SourceIdentity> {
  const out: Record<string, SourceIdentity> = {};
  for (const r of records) if (r.identity) out[r.url] = r.identity;
  return out;
}
