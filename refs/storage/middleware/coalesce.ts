import { RangeOutsideObjectError } from "../errors.js";
import type { ByteSource, ReadOptions, SourceIdentity } from "../types.js";
import { currentIdentity } from "./identity-check.js";
import { raceSignal } from "./signal.js";

export interface CoalesceOptions {
  /** Ranges this close (bytes between them) are merged (default 32 KiB). */
  gapBytes?: number;
  /** A merged request never spans more than this (default 8 MiB). */
  maxMergedBytes?: number;
  /** How long to collect requests before issuing them (default 0: those made in the same event-loop turn). */
  windowMs?: number;
}

interface Pending {
  offset: number;
  length: number;
  signal: AbortSignal | undefined;
  resolve: (bytes: Uint8Array) => void;
  reject: (error: unknown) => void;
}

/**
 * Merges nearby ranges requested at about the same time into one inner request and hands each caller its
 * slice, so a scan's burst of small reads costs few round trips. Returned bytes are never changed by merging.
 */
export class CoalescingSource implements ByteSource {
  /** Inner fetches issued, and caller fetches they served. */
  readonly stats = { innerRequests: 0, callerRequests: 0 };
  private gapBytes: number;
  private maxMergedBytes: number;
  private windowMs: number;
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(
    readonly inner: ByteSource,
    options: CoalesceOptions = {},
  ) {
    this.gapBytes = options.gapBytes ?? 32 * 1024;
    this.maxMergedBytes = options.maxMergedBytes ?? 8 * 1024 * 1024;
    this.windowMs = options.windowMs ?? 0;
  }

  /** Changes how later requests are merged (e.g. once a scan has detected the file's format). */
  tune(options: CoalesceOptions): void {
    this.gapBytes = options.gapBytes ?? this.gapBytes;
    this.maxMergedBytes = options.maxMergedBytes ?? this.maxMergedBytes;
    this.windowMs = options.windowMs ?? this.windowMs;
  }

  get url(): string {
    return this.inner.url;
  }

  /** Never cached: it exists to see a new version of the object. */
  identity(options?: ReadOptions): Promise<SourceIdentity> {
    return currentIdentity(this.inner, options);
  }

  size(options?: ReadOptions): Promise<number> {
    return this.inner.size(options);
  }

  fetch(offset: number, length: number, options?: ReadOptions): Promise<Uint8Array> {
    this.stats.callerRequests++;
    if (length <= 0 || offset < 0 || length > this.maxMergedBytes) {
      this.stats.innerRequests++;
      return this.inner.fetch(offset, length, options);
    }
    options?.signal?.throwIfAborted();
    const pending = new Promise<Uint8Array>((resolve, reject) => {
      this.queue.push({ offset, length, signal: options?.signal, resolve, reject });
    });
    if (!this.scheduled) {
      this.scheduled = true;
      const flush = () => this.flush();
      if (this.windowMs > 0) setTimeout(flush, this.windowMs);
      else setImmediate(flush);
    }
    return raceSignal(pending, options?.signal);
  }

  private flush(): void {
    const batch = this.queue.sort((a, b) => a.offset - b.offset || a.length - b.length);
    this.queue = [];
    this.scheduled = false;
    let group: Pending[] = [];
    let start = 0;
    let end = 0;
    for (const item of batch) {
      const itemEnd = item.offset + item.length;
      const fits =
        item.offset - end <= this.gapBytes && Math.max(end, itemEnd) - start <= this.maxMergedBytes;
      if (group.length > 0 && fits) {
        group.push(item);
        end = Math.max(end, itemEnd);
        continue;
      }
      if (group.length > 0) void this.issue(group, start, end);
      group = [item];
      start = item.offset;
      end = itemEnd;
    }
    if (group.length > 0) void this.issue(group, start, end);
  }

  private async issue(group: Pending[], start: number, end: number): Promise<void> {
    this.stats.innerRequests++;
    // A shared request can only carry a signal every member agrees on; callers still race their own.
    const signal = group.every((p) => p.signal === group[0]?.signal) ? group[0]?.signal : undefined;
    try {
      const bytes = await this.inner.fetch(start, end - start, { signal });
      for (const p of group) p.resolve(bytes.slice(p.offset - start, p.offset - start + p.length));
    } catch (error) {
      // One range past the end must not fail its neighbours: ask for each range alone.
      if (group.length > 1 && error instanceof RangeOutsideObjectError) {
        for (const p of group) void this.issue([p], p.offset, p.offset + p.length);
        return;
      }
      for (const p of group) p.reject(error);
    }
  }
}
