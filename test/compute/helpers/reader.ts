/** The production reader (refs/store readArray) over a generated dataset's in-memory sources. */
import { referenceReader } from "../../../compute/read.js";
import type { ArrayReader } from "../../../compute/source.js";
import type { ReferenceSet } from "../../../refs/model/reference-set.js";
import type { MemorySource } from "../../../refs/storage/memory.js";

export function chunkReader(refs: ReferenceSet, sources: Map<string, MemorySource>): ArrayReader {
  return referenceReader(refs, (url) => {
    const source = sources.get(url);
    if (!source) throw new Error(`no source ${url}`);
    return source;
  });
}
