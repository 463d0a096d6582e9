import {
  AccessDeniedError,
  NotFoundError,
  type StorageOperation,
  TransientError,
  UnexpectedResponseError,
} from "./errors.js";
import { certificateError, parseRetryAfter } from "./http-response.js";

interface SdkError {
  name?: string;
  Code?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
  $retryable?: unknown;
}

const THROTTLING = new Set([
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestTimeout",
  "RequestTimeTooSkewed",
  "InternalError",
  "ServiceUnavailable",
]);

/** The S3 status of an SDK error, if the request got an answer. */
export function s3Status(error: unknown): number | undefined {
  return (error as SdkError | undefined)?.$metadata?.httpStatusCode;
}

/** Whether S3 said the range cannot be satisfied (416 InvalidRange). */
export function isInvalidRange(error: unknown): boolean {
  const e = error as SdkError | undefined;
  return s3Status(error) === 416 || e?.name === "InvalidRange" || e?.Code === "InvalidRange";
}

/**
 * Maps an @aws-sdk/client-s3 failure onto the storage errors, naming the `operation` that failed; the caller's
 * abort passes through.
 */
export function mapS3Error(
  url: string,
  error: unknown,
  signal?: AbortSignal,
  operation: StorageOperation = "read",
): unknown {
  if (signal?.aborted) return signal.reason ?? error;
  const e = (error ?? {}) as SdkError;
  const name = e.name ?? e.Code ?? "";
  const status = s3Status(error);
  if (name === "NoSuchKey" || name === "NotFound" || name === "NoSuchBucket" || status === 404) {
    return new NotFoundError(url, { cause: error });
  }
  if (status === 401 || status === 403 || name === "AccessDenied") {
    return new AccessDeniedError(url, name || `HTTP ${status}`, { cause: error });
  }
  if (THROTTLING.has(name) || status === 429 || (status !== undefined && status >= 500)) {
    // e.g. "SlowDown (HTTP 503): Please reduce your request rate."
    const code = name || "HTTP";
    const said = e.message && e.message !== name && e.message !== "UnknownError" ? `: ${e.message}` : "";
    const detail = `${code}${status !== undefined ? ` (HTTP ${status})` : ""}${said}`;
    const retryAfterMs = parseRetryAfter(retryAfterHeader(e));
    return new TransientError(url, detail, status, {
      cause: error,
      operation,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  if (name === "CredentialsProviderError") {
    // The default credential chain found nothing: retrying cannot help, and the user needs to know why.
    return new AccessDeniedError(
      url,
      "no AWS credentials found (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or a profile, or read anonymously)",
      { cause: error },
    );
  }
  const refused = status === undefined ? certificateError(url, e.code, error) : undefined;
  if (refused) return refused;
  if (status === undefined) {
    // No answer at all: a dropped connection, a DNS failure or a socket timeout.
    const detail = e.code ?? name ?? e.message ?? "connection failed";
    return new TransientError(url, `connection failed (${detail})`, undefined, { cause: error, operation });
  }
  return new UnexpectedResponseError(url, status, name || (e.message ?? ""), { cause: error });
}

/** The Retry-After header of the answer behind an SDK error (header names may come in any case). */
function retryAfterHeader(error: SdkError): string | undefined {
  const headers = error.$response?.headers ?? {};
  for (const [name, value] of Object.entries(headers)) if (name.toLowerCase() === "retry-after") return value;
  return undefined;
}
