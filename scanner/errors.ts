import { RefsError, registerErrors } from "../refs/errors.js";

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
    options?: { cause?: unknown; offset?: number },
  ) {
    super(url, object, `unsupported: ${feature}`, options?.offset, options);
  }
}

/** The file is not of the format its scanner reads (bad magic number), or is truncated/corrupt. */
export class FormatError extends ScanError {
  override name = "FormatError";
}

/**
 * The same error naming `offset` (e.g. the object header being parsed) where it named none; errors that
 * already name an offset, or that are not ScanErrors, are returned as they are.
 */
export function withOffset(error: unknown, offset: number): unknown {
  if (!(error instanceof ScanError) || error.offset !== undefined) return error;
  if (error.name === "ScanBudgetError") return error; // about the whole file's scan, not one structure
  const options = { cause: error.cause };
  if (error instanceof UnsupportedFeatureError)
    return new UnsupportedFeatureError(error.url, error.object, error.feature, { ...options, offset });
  if (error instanceof FormatError)
    return new FormatError(error.url, error.object, error.detail, offset, options);
  return new ScanError(error.url, error.object, error.detail, offset, options);
}

registerErrors({ ScanError, UnsupportedFeatureError, FormatError });
