/** Pieces of HTTP handling shared by HttpSource: status -> error mapping, Content-Range, bounded body reads. */
import { registerErrors } from "../errors.js";
import {
  AccessDeniedError,
  CertificateError,
  NotFoundError,
  RangeOutsideObjectError,
  type StorageOperation,
  TransientError,
  TruncatedResponseError,
  UnexpectedResponseError,
} from "./errors.js";

/**
 * The error a non-success status stands for: 404/410 missing, 401/403 denied, 408/429/5xx transient (carrying
 * the server's Retry-After, when it sent one, for the retry middleware).
 */
export function statusError(
  url: string,
  status: number,
  statusText: string,
  headers?: Headers,
  operation: StorageOperation = "read",
): Error {
  if (status === 404 || status === 410) return new NotFoundError(url);
  if (status === 401 || status === 403) return new AccessDeniedError(url, `HTTP ${status}`);
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(headers?.get("retry-after"));
    return new TransientError(url, `HTTP ${status} ${statusText}`.trim(), status, {
      operation,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  return new UnexpectedResponseError(url, status, statusText);
}

/**
 * Milliseconds a Retry-After header asks to wait: delay-seconds ("120") or an HTTP-date (from now; a date past
 * is 0). Undefined when absent or unreadable: the caller's own backoff applies then.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/**
 * A failed fetch() call: the caller's abort passes through, a refused TLS certificate is a CertificateError,
 * anything else is a dropped connection.
 */
export function networkError(
  url: string,
  error: unknown,
  signal?: AbortSignal,
  operation: StorageOperation = "read",
): unknown {
  if (signal?.aborted) return signal.reason ?? error;
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  const refused = certificateError(url, cause?.code, error);
  if (refused) return refused;
  const detail =
    cause?.code ?? cause?.message ?? (error as Error | undefined)?.message ?? "connection failed";
  return new TransientError(url, `connection failed (${detail})`, undefined, { cause: error, operation });
}

/** OpenSSL's and Node's codes for a certificate that does not verify. */
const CERTIFICATE_CODE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

/** A CertificateError when `code` says the server's certificate was refused. */
export function certificateError(url: string, code: unknown, cause: unknown): CertificateError | undefined {
  return typeof code === "string" && CERTIFICATE_CODE.test(code)
    ? new CertificateError(url, code, { cause })
    : undefined;
}

export interface ContentRange {
  start: number;
  end: number;
  /** Total object size, undefined when the server sent `*`. */
  total: number | undefined;
}

/** Parses `bytes 0-99/1234`, `bytes 0-99/*` or `bytes *\/1234` (start/end are -1 in the last form). */
export function parseContentRange(header: string | null): ContentRange | undefined {
  if (!header) return undefined;
  const full = /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i.exec(header.trim());
  if (full) {
    const total = full[3] === "*" ? undefined : Number(full[3]);
    return { start: Number(full[1]), end: Number(full[2]), total };
  }
  const unsatisfied = /^bytes\s+\*\/(\d+)$/i.exec(header.trim());
  if (unsatisfied) return { start: -1, end: -1, total: Number(unsatisfied[1]) };
  return undefined;
}

/**
 * Reads exactly `skip + length` bytes of a body stream and returns the last `length` of them, cancelling the rest.
 * Throws TruncatedResponseError when the stream ends or fails early (never returns partial bytes); `ended` says
 * how many bytes the body had when it ended cleanly before the wanted end, so callers can tell "object too small".
 */
export async function readBodyRange(
  url: string,
  body: ReadableStream<Uint8Array> | null,
  skip: number,
  length: number,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  if (!body) {
    if (length === 0) return out;
    throw new TruncatedResponseError(url, length, 0);
  }
  const reader = body.getReader();
  let position = 0; // bytes of the body seen so far
  const wantedEnd = skip + length;
  try {
    while (position < wantedEnd) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (signal?.aborted) throw signal.reason ?? error;
        throw new TruncatedResponseError(url, length, Math.max(0, position - skip), { cause: error });
      }
      if (chunk.done) throw new BodyEndedEarly(url, length, Math.max(0, position - skip), position);
      const bytes = chunk.value;
      const from = Math.max(0, skip - position);
      const to = Math.min(bytes.length, wantedEnd - position);
      if (from < to) out.set(bytes.subarray(from, to), position + from - skip);
      position += bytes.length;
    }
  } finally {
    // Drop whatever the server still sends (a 200 for a ranged read, or extra bytes).
    reader.cancel().catch(() => {});
  }
  return out;
}

/** The body ended cleanly before the wanted bytes; `bodyLength` is how long it was. */
export class BodyEndedEarly extends TruncatedResponseError {
  constructor(
    url: string,
    expected: number,
    received: number,
    readonly bodyLength: number,
  ) {
    super(url, expected, received);
  }
}

/**
 * The bytes of a 206 answer to `bytes=offset-(offset+length-1)`, checked against its Content-Range: a range that
 * starts elsewhere is refused, one clamped by the end of the object is RangeOutsideObjectError. `total` is the
 * object size when the server said it.
 */
export async function readPartialResponse(
  url: string,
  response: Response,
  offset: number,
  length: number,
  signal?: AbortSignal,
): Promise<{ bytes: Uint8Array; total: number | undefined }> {
  const range = parseContentRange(response.headers.get("content-range"));
  if (!range || range.start !== offset) {
    await response.body?.cancel();
    const got = response.headers.get("content-range") ?? "no Content-Range";
    throw new UnexpectedResponseError(url, 206, `asked bytes from ${offset}, got ${got}`);
  }
  const sent = range.end - range.start + 1;
  if (sent < length) {
    await response.body?.cancel();
    if (range.total !== undefined && offset + length > range.total) {
      throw new RangeOutsideObjectError(url, offset, length, range.total);
    }
    throw new UnexpectedResponseError(url, 206, `asked ${length} bytes, server offered ${sent}`);
  }
  return { bytes: await readBodyRange(url, response.body, 0, length, signal), total: range.total };
}

registerErrors({ BodyEndedEarly });
