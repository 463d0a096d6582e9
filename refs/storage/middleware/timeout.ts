import { TimeoutError } from "../errors.js";
import type { ByteSource, ReadOptions, SourceIdentity } from "../types.js";
import { currentIdentity } from "./identity-check.js";
import { raceSignal } from "./signal.js";

/**
 * Gives every request `timeoutMs` to complete (headers and body): on expiry the inner request is aborted through
 * its signal and the call rejects with TimeoutError, even if the inner source ignores the signal.
 */
export class TimeoutSource implements ByteSource {
  constructor(
    readonly inner: ByteSource,
    readonly timeoutMs: number,
  ) {}

  get url(): string {
    return this.inner.url;
  }

  size(options?: ReadOptions): Promise<number> {
    return this.limited(options?.signal, (signal) => this.inner.size({ signal }));
  }

  identity(options?: ReadOptions): Promise<SourceIdentity> {
    return this.limited(options?.signal, (signal) => currentIdentity(this.inner, { signal }));
  }

  fetch(offset: number, length: number, options?: ReadOptions): Promise<Uint8Array> {
    return this.limited(options?.signal, (signal) => this.inner.fetch(offset, length, { signal }));
  }

  private async limited<T>(
    outer: AbortSignal | undefined,
    run: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    outer?.throwIfAborted();
    const controller = new AbortController();
    const timeout = new TimeoutError(this.url, this.timeoutMs);
    const timer = setTimeout(() => controller.abort(timeout), this.timeoutMs);
    const forward = () => controller.abort(outer?.reason);
    outer?.addEventListener("abort", forward, { once: true });
    try {
      return await raceSignal(run(controller.signal), controller.signal);
    } catch (error) {
      if (controller.signal.reason === timeout) throw timeout;
      throw error;
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener("abort", forward);
    }
  }
}
