import {
  type ByteSource,
  IdentityCheckedSource,
  openWithDefaults,
  type SourceIdentity,
  type StackedSource,
  type StorageOptions,
} from "../../refs/storage/index.js";
import { ScanSource } from "../../scanner/index.js";

/**
 * The source a scan of `url` reads through: retries, the concurrency limit, the timeout and the network counter
 * (`stats`), and no cache or coalescing: scanFile wraps it once in the scan's own (ScanSource), so every read of
 * a scan, format detection included, goes through one cache.
 */
export function openScanSource(url: string, storage: StorageOptions): StackedSource {
  return openWithDefaults(url, storage, { cache: false, coalesce: false });
}

/** openScanSource wrapped once in the scan's cache, for callers that read a file's structure without scanFile. */
export function openScanned(url: string, storage: StorageOptions): ScanSource {
  return ScanSource.of(openScanSource(url, storage));
}

/**
 * One retrying, time-limited source per URL, shared by every chunk read of a phase, so reads of one file share
 * its concurrency limit instead of each opening its own. No coalescing here: the reference store merges the
 * ranges of each source once (refs/store's ChunkFetcher). No block cache: a chunk is read once (units follow
 * source chunks), and validate reads files whole, so cached blocks would only be copies held in memory.
 * A source whose version the scan recorded (`recorded`, from the references' summary) is checked against it
 * before its first read: one HEAD or stat per source for the life of the opener, and every read of a changed
 * source fails with SourceChangedError.
 */
export function sourceOpener(
  storage: StorageOptions,
  recorded: Record<string, SourceIdentity> = {},
): (url: string) => ByteSource {
  const sources = new Map<string, ByteSource>();
  return (url) => {
    let source = sources.get(url);
    if (!source) {
      source = openWithDefaults(url, storage, { cache: false, coalesce: false });
      const identity = recorded[url];
      if (identity) source = new IdentityCheckedSource(source, identity);
      sources.set(url, source);
    }
    return source;
  };
}
