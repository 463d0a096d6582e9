import { type ByteSource, openWithDefaults, type StorageOptions } from "../../refs/storage/index.js";

/**
 * One retrying, time-limited source per URL, shared by every chunk read of a phase, so reads of one file share
 * its concurrency limit instead of each opening its own. No coalescing here: the reference store merges the
 * ranges of each source once (refs/store's ChunkFetcher). No block cache: a chunk is read once (units follow
 * source chunks), and validate reads files whole, so cached blocks would only be copies held in memory.
 */
export function sourceOpener(storage: StorageOptions): (url: string) => ByteSource {
  const sources = new Map<string, ByteSource>();
  return (url) => {
    let source = sources.get(url);
    if (!source) {
      source = openWithDefaults(url, storage, { cache: false, coalesce: false });
      sources.set(url, source);
    }
    return source;
  };
}
