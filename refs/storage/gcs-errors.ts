import {
  AccessDeniedError,
  NotFoundError,
  type StorageOperation,
  TransientError,
  UnexpectedResponseError,
} from "./errors.js";

interface ApiErrorLike {
  code?: number | string;
  message?: string;
}

/** The HTTP status of an @google-cloud/storage ApiError, if the request got an answer. */
export function gcsStatus(error: unknown): number | undefined {
  const code = (error as ApiErrorLike | undefined)?.code;
  return typeof code === "number" ? code : undefined;
}

/**
 * Maps an @google-cloud/storage failure onto the storage errors, naming the `operation` that failed; the caller's
 * abort passes through.
 */
export function mapGcsError(
  url: string,
  error: unknown,
  signal?: AbortSignal,
  operation: StorageOperation = "read",
): unknown {
  if (signal?.aborted) return signal.reason ?? error;
  const status = gcsStatus(error);
  const message = (error as ApiErrorLike | undefined)?.message ?? "";
  if (status === 404) return new NotFoundError(url, { cause: error });
  if (status === 401 || status === 403) return new AccessDeniedError(url, `HTTP ${status}`, { cause: error });
  if (status === 408 || status === 429 || (status !== undefined && status >= 500)) {
    return new TransientError(url, `HTTP ${status}${message ? `: ${message.slice(0, 200)}` : ""}`, status, {
      cause: error,
      operation,
    });
  }
  if (status === undefined) {
    const code = (error as ApiErrorLike | undefined)?.code;
    return new TransientError(url, `connection failed (${code ?? message})`, undefined, {
      cause: error,
      operation,
    });
  }
  return new UnexpectedResponseError(url, status, message.slice(0, 200), { cause: error });
}
