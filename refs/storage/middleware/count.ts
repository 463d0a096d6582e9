import type { ByteSource, ReadOptions, SourceIdentity } from "../types.js";
import { currentIdentity } from "./identity-check.js";

/** What a CountingSource saw. `requests` counts every attempt, failed ones included; `bytes` counts bytes returned. */
export interface SourceStats {
  requests: number;
  bytes: number;
  sizeRequests: number;
  failures: number;
}

/** Adds two stats (e.g. to total over the files of a scan). */
export function addStats(a: SourceStats, b: SourceStats): SourceStats {
  return {
    requests: a.requests + b.requests,
    bytes: a.bytes + b.bytes,
    sizeRequests: a.sizeRequests + b.sizeRequests,
    failures: a.failures + b.failures,
  };
}

/**
 * Counts the calls that reach the wrapped source. Put it directly over the network source (under cache,
 * coalescing and retries) and it counts network requests, so a scan can report what it cost.
 */
export class CountingSource implements ByteSource {
  readonly stats: SourceStats = { requests: 0, bytes: 0, sizeRequests: 0, failures: 0 };

  constructor(readonly inner: ByteSource) {}

  get url(): string {
    return this.inner.url;
  }

  async size(options?: ReadOptions): Promise<number> {
    this.stats.sizeRequests++;
    try {
      return await this.inner.size(options);
    } catch (error) {
      this.stats.failures++;
      throw error;
    }
  }

  /** Counted with the size requests: both are one HEAD (or stat) of the object. */
  async identity(options?: ReadOptions): Promise<SourceIdentity> {
    this.stats.sizeRequests++;
    try {
      return await currentIdentity(this.inner, options);
    } catch (error) {
      this.stats.failures++;
      throw error;
    }
  }

  async fetch(offset: number, length: number, options?: ReadOptions): Promise<Uint8Array> {
    this.stats.requests++;
    try {
      const bytes = await this.inner.fetch(offset, length, options);
      this.stats.bytes += bytes.length;
      return bytes;
    } catch (error) {
      this.stats.failures++;
      throw error;
    }
  }

  /** A copy of the counters, and zeroes them. */
  reset(): SourceStats {
    const copy = { ...this.stats };
    Object.assign(this.stats, { requests: 0, bytes: 0, sizeRequests: 0, failures: 0 });
    return copy;
  }
}
