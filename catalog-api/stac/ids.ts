import { CatalogInputError } from "../errors.js";

/** A stable item id from an href: its path without scheme and extension, with separators made safe. */
export function idFromHref(href: string): string {
  const path = href.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").replace(/\.(parquet|parq|json)$/i, "");
  return path
    .replace(/[^A-Za-z0-9._=-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(-200);
}

/** A file extension `file:checksum`: SHA-256 as a multihash (code 0x12, length 0x20) in hex. */
export function sha256Multihash(hex: string, where: string): string {
  if (!/^[0-9a-f]{64}$/i.test(hex))
    throw new CatalogInputError(`sha256 must be 64 hex digits, found "${hex}"`, where);
  return `1220${hex.toLowerCase()}`;
}
