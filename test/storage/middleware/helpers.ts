/** Test sources for middleware tests: seeded randomness, a slow source that tracks concurrency. */
import { MemorySource } from "../../../refs/storage/memory.js";
import type { ByteSource, ReadOptions } from "../../../refs/storage/types.js";

/** Mulberry32: a small seeded PRNG so a failing property case can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A memory source whose reads take `delayMs` and that records how many were in flight at once. */
export class SlowSource implements ByteSource {
  active = 0;
  peak = 0;
  calls: [number, number][] = [];
  private readonly memory: MemorySource;

  constructor(
    readonly url: string,
    bytes: Uint8Array,
    private readonly delayMs = 2,
  ) {
    this.memory = new MemorySource(url, bytes);
  }

  size(): Promise<number> {
    return this.memory.size();
  }

  async fetch(offset: number, length: number, _options?: ReadOptions): Promise<Uint8Array> {
    this.calls.push([offset, length]);
    this.active++;
    this.peak = Math.max(this.peak, this.active);
    try {
      await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      return await this.memory.fetch(offset, length);
    } finally {
      this.active--;
    }
  }
}
