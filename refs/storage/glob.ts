import picomatch from "picomatch";

/** Characters that may start glob syntax; everything before the first of them is a literal prefix. */
const SPECIAL = /[*?[\]{}()!+@\\]/;

export interface SplitGlob {
  /** Literal text before the first glob character (list this prefix). */
  prefix: string;
  /** Whether the pattern has any glob syntax at all. */
  isGlob: boolean;
}

/** `era5/2022/**\/*.nc` -> prefix `era5/2022/`; a pattern with no glob syntax is its own prefix. */
export function splitGlob(pattern: string): SplitGlob {
  const at = pattern.search(SPECIAL);
  if (at < 0) return { prefix: pattern, isGlob: false };
  return { prefix: pattern.slice(0, at), isGlob: true };
}

/** The prefix cut back to the last `/`: the folder to walk on a file system. */
export function folderOf(prefix: string): string {
  return prefix.slice(0, prefix.lastIndexOf("/") + 1);
}

/**
 * A matcher of whole keys against the pattern: `*` and `?` stay within one path segment, `**` crosses
 * segments, `[...]` and `{a,b}` as in shells. Dot files match too (object keys have no hidden files).
 */
export function globMatcher(pattern: string): (key: string) => boolean {
  if (!splitGlob(pattern).isGlob) return (key) => key === pattern;
  return picomatch(pattern, { dot: true });
}

/** Byte-wise lexical order (what S3 and GCS listings use) for ASCII/BMP keys. */
export function lexical(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
