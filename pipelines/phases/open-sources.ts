import { type ByteSource, openWithDefaults, type StorageOptions } from "../../refs/storage/index.js";

/**
 * One coalesced, retrying source per URL, shared by every chunk read of a phase, so reads of one file share its
 * concurrency limit instead of each opening its own. No block cache: a chunk is read once (units follow source
 * chunks), and validate reads files whole, so cached blocks would only be copies held in memory.
 */
export function sourceOpener(storage: StorageOptions): (url: string) => ByteSource {
  const sources = new Map<string, ByteSource>();
  return (url) => {
    let source = sources.get(url);
    if (!source) {
      source = openWithDefaults(url, storage, { cache: false });
      sources.set(url, source);
    }
    return source;
  };
}
