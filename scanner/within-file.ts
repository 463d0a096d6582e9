/**
 * A scan must not reference bytes the file does not have: a truncated file (a download cut short, a copy still
 * being written) has a complete header whose chunk index points past its end, and those chunks would read back as
 * errors or, worse, as the fill value. The file is refused instead, naming the first such chunk.
 */

import { registerErrors } from "../refs/errors.js";
import { chunkKey, type ReferenceSet } from "../refs/model/index.js";
import { FormatError } from "./errors.js";

export class TruncatedFileError extends FormatError {
  override name = "TruncatedFileError";
}

/** Throws TruncatedFileError when a chunk of `url` in `refs` ends beyond `size` bytes. */
export function checkWithinFile(refs: ReferenceSet, url: string, size: number): void {
  let count = 0;
  let first: { path: string; key: string; offset: number; length: number } | undefined;
  for (const [path, table] of refs.arrays) {
    const own = table.paths.indexOf(url);
    if (own < 0) continue;
    for (let flat = 0; flat < table.count; flat++) {
      if (table.pathIndex[flat] !== own) continue;
      const offset = table.offsets[flat] as number;
      const length = table.lengths[flat] as number;
      if (length >= 0 && offset + length <= size) continue;
      if (length < 0) continue; // a whole-file reference is the file itself
      count++;
      first ??= { path, key: chunkKey(table.coords(flat)), offset, length };
    }
  }
  if (!first) return;
  const more = count > 1 ? ` (${count} chunks in all)` : "";
  throw new TruncatedFileError(
    url,
    first.path,
    `chunk ${first.key} lies at bytes ${first.offset}..${first.offset + first.length - 1}, past the end of ` +
      `the file (${size} bytes)${more}: the file is truncated or still being written`,
    first.offset,
  );
}

registerErrors({ TruncatedFileError });
