import { describe, expect, it } from "vitest";
import { MemorySource } from "../../../refs/storage/memory.js";
import { BlockCacheSource } from "../../../refs/storage/middleware/cache.js";
import { CountingSource } from "../../../refs/storage/middleware/count.js";
import { payload } from "../conformance.js";
import { SlowSource, seeded } from "./helpers.js";

const data = payload(100_000, 3);

describe("BlockCacheSource", () => {
  it("serves repeated reads from the cache and fetches runs of missing blocks in one request", async () => {
    const counter = new CountingSource(new MemorySource("mem://x", data));
    const cache = new BlockCacheSource(counter, { blockSize: 1000, maxBytes: 50_000 });
    await cache.fetch(1500, 2000); // blocks 1..3 in one request
    expect(counter.stats).toMatchObject({ requests: 1, bytes: 3000 });
    await cache.fetch(2000, 10);
    await cache.fetch(3999, 1);
    expect(counter.stats.requests).toBe(1);
    await cache.fetch(500, 4000); // block 0 and 4 missing: two runs
    expect(counter.stats.requests).toBe(3);
  });

  it("shares one request between concurrent readers of the same block", async () => {
    const slow = new SlowSource("mem://x", data, 5);
    const cache = new BlockCacheSource(slow, { blockSize: 4096, maxBytes: 65_536 });
    await Promise.all([cache.fetch(10, 10), cache.fetch(100, 50), cache.fetch(4000, 10)]);
    expect(slow.calls).toEqual([[0, 4096]]);
  });

  it("evicts the least recently used block", async () => {
    const counter = new CountingSource(new MemorySource("mem://x", data));
    const cache = new BlockCacheSource(counter, { blockSize: 1000, maxBytes: 2000 });
    await cache.fetch(0, 1); // A
    await cache.fetch(1000, 1); // B
    await cache.fetch(0, 1); // A again: B is now the oldest
    await cache.fetch(2000, 1); // C evicts B
    expect(counter.stats.requests).toBe(3);
    await cache.fetch(0, 1); // A still cached
    expect(counter.stats.requests).toBe(3);
    await cache.fetch(1000, 1); // B was evicted
    expect(counter.stats.requests).toBe(4);
  });

  it("never holds more than maxBytes under random reads", async () => {
    const random = seeded(42);
    const cache = new BlockCacheSource(new MemorySource("mem://x", data), { blockSize: 333, maxBytes: 3000 });
    for (let i = 0; i < 300; i++) {
      const offset = Math.floor(random() * 99_000);
      await Promise.all([
        cache.fetch(offset, 1 + Math.floor(random() * 700)),
        cache.fetch(Math.floor(offset / 2), 5),
      ]);
      expect(cache.stats.heldBytes).toBeLessThanOrEqual(3000);
    }
    expect(cache.stats.hits).toBeGreaterThan(0);
  });

  it("passes long reads straight through without caching them", async () => {
    const counter = new CountingSource(new MemorySource("mem://x", data));
    const cache = new BlockCacheSource(counter, { blockSize: 1000, maxBytes: 8000, bypassBytes: 2000 });
    const bytes = await cache.fetch(10, 5000);
    expect(Buffer.compare(bytes, data.subarray(10, 5010))).toBe(0);
    expect(cache.stats.heldBytes).toBe(0);
  });

  it("forgets a failed block so the next read asks again", async () => {
    let fail = true;
    const inner = new MemorySource("mem://x", data);
    const flaky = {
      url: "mem://x",
      size: () => inner.size(),
      fetch: (o: number, l: number) => (fail ? Promise.reject(new Error("boom")) : inner.fetch(o, l)),
    };
    const cache = new BlockCacheSource(flaky, { blockSize: 1000, maxBytes: 8000 });
    await expect(cache.fetch(0, 10)).rejects.toThrow("boom");
    fail = false;
    expect(Buffer.compare(await cache.fetch(0, 10), data.subarray(0, 10))).toBe(0);
  });

  it("widens a miss to its aligned fetch span, keeps small blocks, and serves any read inside the span", async () => {
    const slow = new SlowSource("mem://x", data, 1);
    const cache = new BlockCacheSource(slow, { blockSize: 1000, fetchBytes: 8000, maxBytes: 50_000 });
    expect(await cache.fetch(9500, 10)).toEqual(data.subarray(9500, 9510));
    expect(slow.calls).toEqual([[8000, 8000]]); // the span 8000..15999, not just block 9
    expect(await cache.fetch(15_000, 900)).toEqual(data.subarray(15_000, 15_900));
    expect(slow.calls.length).toBe(1);
    // Smaller spans from now on: only the missing block is fetched, blocks already held are not fetched again.
    cache.tune({ fetchBytes: 1000 });
    expect(await cache.fetch(15_500, 1000)).toEqual(data.subarray(15_500, 16_500));
    expect(slow.calls).toEqual([
      [8000, 8000],
      [16_000, 1000],
    ]);
    // A span that holds some blocks fetches only the missing runs around them; the last span is cut at the end.
    cache.tune({ fetchBytes: 8000 });
    expect(await cache.fetch(99_000, 1000)).toEqual(data.subarray(99_000));
    expect(await cache.fetch(17_000, 10)).toEqual(data.subarray(17_000, 17_010));
    expect(slow.calls.slice(2)).toEqual([
      [96_000, 4000],
      [17_000, 7000],
    ]);
    expect(() => cache.tune({ fetchBytes: 1500 })).toThrow(RangeError);
  });

  it("tune({maxBytes}) evicts down to the new bound at once", async () => {
    const counter = new CountingSource(new MemorySource("mem://x", data));
    const cache = new BlockCacheSource(counter, { blockSize: 1000, maxBytes: 50_000 });
    await cache.fetch(0, 10_000);
    expect(cache.stats.heldBytes).toBe(10_000);
    cache.tune({ maxBytes: 3000 });
    expect(cache.stats.heldBytes).toBe(3000);
    await cache.fetch(9000, 10); // among the most recent: still held
    expect(counter.stats.requests).toBe(1);
  });
});
