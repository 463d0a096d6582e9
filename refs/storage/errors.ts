import { RefsError, registerErrors } from "../errors.js";

/** The object (or the bucket/prefix) does not exist. */
export class NotFoundError extends RefsError {
  override name = "NotFoundError";
  constructor(
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    super(`not found: ${url}`, options);
  }
}

/** Credentials missing or refused (401/403). */
export class AccessDeniedError extends RefsError {
  override name = "AccessDeniedError";
  constructor(
    readonly url: string,
    readonly detail?: string,
    options?: { cause?: unknown },
  ) {
    super(`access denied: ${url}${detail ? ` (${detail})` : ""}`, options);
  }
}

/** A read asked for bytes that the object does not have. */
export class RangeOutsideObjectError extends RefsError {
  override name = "RangeOutsideObjectError";
  constructor(
    readonly url: string,
    readonly offset: number,
    readonly length: number,
    readonly size: number,
    options?: { cause?: unknown },
  ) {
    super(`range ${offset}+${length} is outside ${url} (size ${size} bytes)`, options);
  }
}

/** The server sent fewer bytes than it promised (connection cut, short body). */
export class TruncatedResponseError extends RefsError {
  override name = "TruncatedResponseError";
  constructor(
    readonly url: string,
    readonly expected: number,
    readonly received: number,
    options?: { cause?: unknown },
  ) {
    super(`truncated response from ${url}: expected ${expected} bytes, received ${received}`, options);
  }
}

/** A request did not complete within its time limit. */
export class TimeoutError extends RefsError {
  override name = "TimeoutError";
  constructor(
    readonly url: string,
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(`timed out after ${timeoutMs} ms reading ${url}`, options);
  }
}

/** What a store was asked to do, so a failure names it ("transient failure deleting s3://..."). */
export type StorageOperation = "read" | "write" | "create" | "delete" | "list";

const DOING: Record<StorageOperation, string> = {
  read: "reading",
  write: "writing",
  create: "creating",
  delete: "deleting",
  list: "listing",
};

/**
 * A transient failure (throttling, 5xx, dropped connection) that retrying may cure. `retryAfterMs` is how long
 * the server asked to wait (its Retry-After header), when it said; `operation` what was being done (default read).
 */
export class TransientError extends RefsError {
  override name = "TransientError";
  readonly retryAfterMs: number | undefined;
  readonly operation: StorageOperation;
  constructor(
    readonly url: string,
    readonly detail: string,
    readonly status?: number,
    options?: { cause?: unknown; retryAfterMs?: number; operation?: StorageOperation },
  ) {
    super(`transient failure ${DOING[options?.operation ?? "read"]} ${url}: ${detail}`, options);
    this.retryAfterMs = options?.retryAfterMs;
    this.operation = options?.operation ?? "read";
  }
}

/**
 * Retries were exhausted; `cause` is the last failure, and the message says what it was (status, code and
 * message), so "gave up" never stands alone.
 */
export class RetriesExhaustedError extends RefsError {
  override name = "RetriesExhaustedError";
  /** HTTP status of the last failure, when the server answered. */
  readonly lastStatus: number | undefined;
  constructor(
    readonly url: string,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(
      `gave up reading ${url} after ${attempts} attempts; last failure: ${lastFailure(url, options?.cause)}`,
      options,
    );
    this.lastStatus = (options?.cause as { status?: number } | undefined)?.status;
  }
}

/** The last failure in words, without repeating the URL the message already names. */
function lastFailure(url: string, cause: unknown): string {
  if (cause instanceof TransientError) return cause.detail;
  const message = cause instanceof Error ? cause.message : String(cause);
  return message.replace(` reading ${url}`, "").replace(` from ${url}`, "").replaceAll(url, "the object");
}

/** The URL's scheme has no store, or the URL is malformed. */
export class UnsupportedUrlError extends RefsError {
  override name = "UnsupportedUrlError";
  constructor(
    readonly url: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot use ${url}: ${detail}`, options);
  }
}

/** A server ignored the Range header and sending the whole body up to the wanted bytes would be too costly. */
export class RangeNotSupportedError extends RefsError {
  override name = "RangeNotSupportedError";
  constructor(
    readonly url: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${url} does not honour byte ranges: ${detail}`, options);
  }
}

/** A response that is neither success nor one of the mapped failures (e.g. HTTP 400, 405). Not retried. */
export class UnexpectedResponseError extends RefsError {
  override name = "UnexpectedResponseError";
  constructor(
    readonly url: string,
    readonly status: number,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`unexpected response from ${url}: ${status} ${detail}`.trim(), options);
  }
}

/**
 * An http(s) folder could not be listed: the server answered its URL with no HTML index page (404 here and in
 * every folder above, or a page that is not HTML), so wildcards cannot be expanded there.
 */
export class DirectoryIndexError extends RefsError {
  override name = "DirectoryIndexError";
  constructor(
    readonly url: string,
    readonly status: number,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot list ${url}: ${detail}`, options);
  }
}

/**
 * The server's TLS certificate was refused (self-signed, unknown issuer, expired, wrong host name): not retried,
 * since asking again meets the same certificate. Trust a private CA with NODE_EXTRA_CA_CERTS.
 */
export class CertificateError extends RefsError {
  override name = "CertificateError";
  constructor(
    readonly url: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(`TLS certificate of ${url} refused (${code})`, options);
  }
}

registerErrors({
  NotFoundError,
  AccessDeniedError,
  RangeOutsideObjectError,
  TruncatedResponseError,
  TimeoutError,
  TransientError,
  RetriesExhaustedError,
  UnsupportedUrlError,
  RangeNotSupportedError,
  UnexpectedResponseError,
  DirectoryIndexError,
  CertificateError,
});
