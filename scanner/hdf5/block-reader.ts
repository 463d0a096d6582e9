import type { ByteSource } from "../../refs/storage/index.js";

interface QueuedRun {
  first: number;
  last: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Block cache over a ByteSource, so the many small metadata reads of an HDF5 scan become few range requests.
 * Missing blocks asked for in the same tick (e.g. all nodes of one B-tree level) are fetched together: runs
 * closer than `mergeGap` blocks become one request. Counts requests and bytes.
 */
export class BlockReader {
  private readonly blocks = new Map<number, Uint8Array>();
  private readonly pending = new Map<number, Promise<void>>();
  private queued: QueuedRun[] = [];
  requests = 0;
  bytesRead = 0;

  constructor(
    readonly source: ByteSource,
    readonly fileSize: number,
    readonly blockSize = 4096,
    private readonly signal?: AbortSignal,
    /** Gap in blocks below which two queued runs are fetched as one. */
    private readonly mergeGap = 4,
    /** Largest merged request, in blocks. */
    private readonly maxRun = 2048,
  ) {}

  /** `length` bytes at `offset` (callers check bounds: never past the end of the file). */
  async read(offset: number, length: number): Promise<Uint8Array> {
    if (length === 0) return new Uint8Array(0);
    const first = Math.floor(offset / this.blockSize);
    const last = Math.floor((offset + length - 1) / this.blockSize);
    await this.ensure(first, last);
    if (first === last) {
      const block = this.blocks.get(first) as Uint8Array;
      const start = offset - first * this.blockSize;
      return block.subarray(start, start + length);
    }
    const out = new Uint8Array(length);
    for (let b = first; b <= last; b++) {
      const block = this.blocks.get(b) as Uint8Array;
      const blockStart = b * this.blockSize;
      const from = Math.max(offset, blockStart);
      const to = Math.min(offset + length, blockStart + block.length);
      out.set(block.subarray(from - blockStart, to - blockStart), from - offset);
    }
    return out;
  }

  /** Wait for blocks first..last, queueing those neither cached nor in flight. */
  private ensure(first: number, last: number): Promise<unknown> {
    const waits: Promise<void>[] = [];
    let runStart = -1;
    const flush = (end: number) => {
      if (runStart < 0) return;
      waits.push(this.enqueue(runStart, end));
      runStart = -1;
    };
    for (let b = first; b <= last; b++) {
      if (this.blocks.has(b)) {
        flush(b - 1);
        continue;
      }
      const inFlight = this.pending.get(b);
      if (inFlight) {
        flush(b - 1);
        waits.push(inFlight);
        continue;
      }
      if (runStart < 0) runStart = b;
    }
    flush(last);
    return waits.length === 1 ? (waits[0] as Promise<void>) : Promise.all(waits);
  }

  private enqueue(first: number, last: number): Promise<void> {
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    for (let b = first; b <= last; b++) this.pending.set(b, promise);
    if (this.queued.length === 0) queueMicrotask(() => this.flushQueue());
    this.queued.push({ first, last, resolve, reject });
    return promise;
  }

  /** Merge the runs queued in this tick and fetch each merged run with one request. */
  private flushQueue(): void {
    const runs = this.queued.sort((a, b) => a.first - b.first);
    this.queued = [];
    let group: QueuedRun[] = [];
    for (const run of runs) {
      const head = group[0];
      const tail = group[group.length - 1];
      if (head && tail && (run.first - tail.last > this.mergeGap || run.last - head.first >= this.maxRun)) {
        void this.fetchGroup(group);
        group = [];
      }
      group.push(run);
    }
    if (group.length > 0) void this.fetchGroup(group);
  }

  private async fetchGroup(group: QueuedRun[]): Promise<void> {
    const first = (group[0] as QueuedRun).first;
    const last = Math.max(...group.map((r) => r.last));
    const start = first * this.blockSize;
    const end = Math.min((last + 1) * this.blockSize, this.fileSize);
    try {
      this.requests++;
      this.bytesRead += end - start;
      const bytes = await this.source.fetch(start, end - start, { signal: this.signal });
      for (let b = first; b <= last; b++) {
        const from = b * this.blockSize - start;
        if (!this.blocks.has(b))
          this.blocks.set(b, bytes.subarray(from, Math.min(from + this.blockSize, bytes.length)));
      }
      for (const run of group) run.resolve();
    } catch (error) {
      for (const run of group) run.reject(error);
    } finally {
      for (const run of group) for (let b = run.first; b <= run.last; b++) this.pending.delete(b);
    }
  }
}
