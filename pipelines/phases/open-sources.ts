import type { ByteSource, StorageOptions } from "../../refs/storage/index.js";
import { openWithDefaults } from "../../refs/storage/registry.js";

/**
 * One cached, coalesced, retrying source per URL, shared by every chunk read of a phase, so reads of one file
 * share its block cache and concurrency limit instead of each opening its own.
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
