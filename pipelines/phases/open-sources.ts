import {
  type ByteSource,
  IdentityCheckedSource,
  type SourceIdentity,
  type StorageOptions,
} from "../../refs/storage/index.js";
import { openWithDefaults } from "../../refs/storage/registry.js";

/**
 * One cached, coalesced, retrying source per URL, shared by every chunk read of a phase, so reads of one file
 * share its block cache and concurrency limit instead of each opening its own. A source whose version the scan
 * recorded (`recorded`, from the references' summary) is checked against it before its first read: one HEAD or
 * stat per source for the life of the opener, and every read of a changed source fails with SourceChangedError.
 */
export function sourceOpener(
  storage: StorageOptions,
  recorded: Record<string, SourceIdentity> = {},
): (url: string) => ByteSource {
  const sources = new Map<string, ByteSource>();
  return (url) => {
    let source = sources.get(url);
    if (!source) {
      source = openWithDefaults(url, storage, { cache: false });
      const identity = recorded[url];
      if (identity) source = new IdentityCheckedSource(source, identity);
      sources.set(url, source);
    }
    return source;
  };
}
