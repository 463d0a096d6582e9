import { RefsError } from "../refs/errors.js";

/** A file could not be scanned: names the file, the object inside it and, where known, the byte offset. */
export class ScanError extends RefsError {
  override name = "ScanError";
  constructor(
    readonly url: string,
    readonly object: string,
    readonly detail: string,
    readonly offset?: number,
    options?: { cause?: unknown },
  ) {
    const where = [object ? `object ${object}` : "", offset !== undefined ? `byte offset ${offset}` : ""]
      .filter(Boolean)
      .join(", ");
    super(`${url}${where ? ` (${where})` : ""}: ${detail}`, options);
  }
}

/** The file uses a feature refs cannot reference (a filter with no numcodecs codec, object references, ...). */
export class UnsupportedFeatureError extends ScanError {
  override name = "UnsupportedFeatureError";
  constructor(
    url: string,
    object: string,
    readonly feature: string,
    options?: { cause?: unknown },
  ) {
    super(url, object, `unsupported: ${feature}`, undefined, options);
  }
}

/** The file is not of the format its scanner reads (bad magic number), or is truncated/corrupt. */
export class FormatError extends ScanError {
  override name = "FormatError";
}
