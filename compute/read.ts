/**
 * The ArrayReader compute uses in production: refs/store's readArray over the reference set, each chunk fetched
 * through `open` (refs/storage's openSource, with whatever middleware the caller stacks) and decoded by the
 * registered codecs.
 */
import type { ReferenceSet } from "../refs/model/index.js";
import { type OpenSource, readArray } from "../refs/store/index.js";
import { ComputeError } from "./errors.js";
import type { ArrayReader, NumericArray } from "./source.js";

export function referenceReader(refs: ReferenceSet, open: OpenSource, concurrency = 16): ArrayReader {
  return async (path, region) => {
    const result = await readArray(refs, path, {
      open,
      region: region.start.map((s, d) => [s, region.stop[d] as number] as const),
      concurrency,
    });
    const data = result.data;
    if (Array.isArray(data)) throw new ComputeError(`${path}: dtype ${result.dtype} is not numeric`);
    return data as NumericArray;
  };
}
