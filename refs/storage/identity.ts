/** Telling whether an object is still the version a scan read: compare identities, name what changed. */
import { RefsError } from "../errors.js";
import type { SourceIdentity } from "./types.js";

/** One field of an identity that differs: its name as a user knows it, and the recorded and found values. */
export interface IdentityChange {
  field: "size" | "ETag" | "generation" | "modification time";
  recorded: string;
  found: string;
}

/**
 * What differs between the identity a scan recorded and the one found now. The size always counts; of the
 * rest the strongest field both sides know decides (ETag, then generation, then modification time), so an S3
 * object copied onto itself (same ETag, new Last-Modified) is not taken for another file.
 */
export function identityChanges(recorded: SourceIdentity, found: SourceIdentity): IdentityChange[] {
  const changes: IdentityChange[] = [];
  if (recorded.size !== found.size) {
    changes.push({ field: "size", recorded: String(recorded.size), found: String(found.size) });
  }
  if (recorded.etag !== undefined && found.etag !== undefined) {
    if (recorded.etag !== found.etag)
      changes.push({ field: "ETag", recorded: recorded.etag, found: found.etag });
  } else if (recorded.generation !== undefined && found.generation !== undefined) {
    if (recorded.generation !== found.generation) {
      changes.push({ field: "generation", recorded: recorded.generation, found: found.generation });
    }
  } else if (recorded.mtime !== undefined && found.mtime !== undefined && recorded.mtime !== found.mtime) {
    changes.push({ field: "modification time", recorded: recorded.mtime, found: found.mtime });
  }
  return changes;
}

/**
 * A source is no longer the version its references were made from: reading through them would give another
 * file's bytes. Not retried; the cure is scanning it again.
 */
export class SourceChangedError extends RefsError {
  override name = "SourceChangedError";
  constructor(
    readonly url: string,
    readonly changes: IdentityChange[],
    options?: { cause?: unknown },
  ) {
    const what = changes.map((c) => `${c.field} ${c.recorded} -> ${c.found}`).join(", ");
    super(
      `${url} changed since it was scanned (${what}): its references may point at other data; ` +
        "rerun `refs scan` to scan it again",
      options,
    );
  }
}
