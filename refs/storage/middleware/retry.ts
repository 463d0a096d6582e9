import { RetriesExhaustedError, TimeoutError, TransientError, TruncatedResponseError } from "../errors.js";
import type { ByteSource, ReadOptions, SourceIdentity } from "../types.js";
import { currentIdentity } from "./identity-check.js";
import { sleep } from "./signal.js";

export interface RetryOptions {
  /** Attempts in all, the first included (default 5). */
  maxAttempts?: number;
  /** Cap of the first backoff (default 200 ms); it doubles per attempt up to maxDelayMs (default 10 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Source of randomness for the jitter, in [0, 1) (tests pass a fixed one). */
  random?: () => number;
  /**
   * Longest wait a server's Retry-After is granted (default 60 s): a throttled store's own pace is kept, but a
   * server asking for an hour does not stall a scan for an hour.
   */
  maxRetryAfterMs?: number;
}

/**
 * Throttling (429, S3 SlowDown/503), other 5xx, dropped connections, cut bodies and timeouts may pass;
 * 4xx answers (missing, denied, range outside) never change by asking again.
 */
export function isRetryable(error: unknown): boolean {
  return (
    error instanceof TransientError ||
    error instanceof TimeoutError ||
    error instanceof TruncatedResponseError
  );
}

/**
 * Retries retryable failures with exponential backoff and full jitter (delay uniformly drawn from
 * [0, min(max, base * 2^attempt))), or after the server's Retry-After (seconds or an HTTP-date, capped at
 * maxRetryAfterMs) when it sent one; then gives up with RetriesExhaustedError, whose message names the last
 * failure (status, code, message) and whose cause is it.
 */
export class RetrySource implements ByteSource {
  /** Retries made so far (attempts beyond the first), over all calls. */
  retries = 0;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly random: () => number;
  private readonly maxRetryAfterMs: number;

  constructor(
    readonly inner: ByteSource,
    options: RetryOptions = {},
  ) {
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.baseDelayMs = options.baseDelayMs ?? 200;
    this.maxDelayMs = options.maxDelayMs ?? 10_000;
    this.random = options.random ?? Math.random;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  }

  get url(): string {
    return this.inner.url;
  }

  size(options?: ReadOptions): Promise<number> {
    return this.attempt(options?.signal, () => this.inner.size(options));
  }

  identity(options?: ReadOptions): Promise<SourceIdentity> {
    return this.attempt(options?.signal, () => currentIdentity(this.inner, options));
  }

  fetch(offset: number, length: number, options?: ReadOptions): Promise<Uint8Array> {
    return this.attempt(options?.signal, () => this.inner.fetch(offset, length, options));
  }

  /** The server's Retry-After when it sent one (capped), else full-jitter exponential backoff. */
  delayMs(attempt: number, error: unknown): number {
    const asked = error instanceof TransientError ? error.retryAfterMs : undefined;
    if (asked !== undefined) return Math.min(asked, this.maxRetryAfterMs);
    const cap = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    return this.random() * cap;
  }

  private async attempt<T>(signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (error) {
        if (signal?.aborted || !isRetryable(error)) throw error;
        if (attempt >= this.maxAttempts) {
          // With retries turned off (one attempt) the failure itself is the clearest report.
          if (attempt === 1) throw error;
          throw new RetriesExhaustedError(this.url, attempt, { cause: error });
        }
        await sleep(this.delayMs(attempt, error), signal);
        this.retries++;
      }
    }
  }
}
