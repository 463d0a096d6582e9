import type { ByteSource } from "../../refs/storage/types.js";

/**
 * Block cache over a ByteSource, so the many small metadata reads of an HDF5 scan become few range requests.
 * Missing blocks of one read are fetched with a single request spanning them. Counts requests and bytes.
 */
export class BlockReader {
  private readonly blocks = new Map<number, Uint8Array>();
  private readonly pending = new Map<number, Promise<void>>();
  requests = 0;
  bytesRead = 0;

  constructor(
    readonly source: ByteSource,
    readonly fileSize: number,
    readonly blockSize = 4096,
    private readonly signal?: AbortSignal,
  ) {}

  /** `length` bytes at `offset`, clipped by the caller's bounds checks (never past the end of the file). */
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

  /** Fetch blocks first..last that are neither cached nor in flight, as runs of adjacent blocks. */
  private async ensure(first: number, last: number): Promise<void> {
    const waits: Promise<void>[] = [];
    let runStart = -1;
    const flush = (end: number) => {
      if (runStart < 0) return;
      const promise = this.fetchRun(runStart, end);
      for (let b = runStart; b <= end; b++) this.pending.set(b, promise);
      waits.push(promise);
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
    await Promise.all(waits);
  }

  private async fetchRun(first: number, last: number): Promise<void> {
    const start = first * this.blockSize;
    const end = Math.min((last + 1) * this.blockSize, this.fileSize);
    try {
      this.requests++;
      this.bytesRead += end - start;
      const bytes = await this.source.fetch(start, end - start, { signal: this.signal });
      for (let b = first; b <= last; b++) {
        const from = b * this.blockSize - start;
        this.blocks.set(b, bytes.subarray(from, Math.min(from + this.blockSize, bytes.length)));
      }
    } finally {
      for (let b = first; b <= last; b++) this.pending.delete(b);
    }
  }
}
