import { UnsupportedUrlError } from "./errors.js";

export interface BucketUrl {
  bucket: string;
  /** Object key as written in the URL (no percent-decoding: keys may hold `%`). */
  key: string;
}

/** Splits `s3://bucket/key/parts` or `gs://bucket/key`; the key may be empty (the whole bucket). */
export function parseBucketUrl(url: string, scheme: "s3" | "gs"): BucketUrl {
  const prefix = `${scheme}://`;
  if (!url.toLowerCase().startsWith(prefix)) throw new UnsupportedUrlError(url, `expected a ${prefix} URL`);
  const rest = url.slice(prefix.length);
  const slash = rest.indexOf("/");
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  if (bucket === "") throw new UnsupportedUrlError(url, "the bucket name is missing");
  return { bucket, key: slash < 0 ? "" : rest.slice(slash + 1) };
}
