import { describe, expect, it } from "vitest";
import { CoalescingSource } from "../../../refs/storage/middleware/coalesce.js";
import { ConcurrencyLimit, LimitSource } from "../../../refs/storage/middleware/limit.js";
import { payload } from "../conformance.js";
import { SlowSource } from "./helpers.js";

const data = payload(1_000_000, 9);

describe("CoalescingSource", () => {
  it("merges concurrent nearby ranges into one request and splits the answer", async () => {
    const slow = new SlowSource("mem://x", data);
    const source = new CoalescingSource(slow, { gapBytes: 100 });
    const reads: [number, number][] = [
      [1000, 10],
      [1050, 20],
      [1000, 5],
      [1030, 100],
      [500_000, 8],
    ];
    const results = await Promise.all(reads.map(([o, l]) => source.fetch(o, l)));
    results.forEach((bytes, i) => {
      const [o, l] = reads[i]!;
      expect(Buffer.compare(bytes, data.subarray(o, o + l))).toBe(0);
    });
    expect(slow.calls.sort((a, b) => a[0] - b[0])).toEqual([
      [1000, 130],
      [500_000, 8],
    ]);
    expect(source.stats).toEqual({ innerRequests: 2, callerRequests: 5 });
  });

  it("never merges beyond maxMergedBytes", async () => {
    const slow = new SlowSource("mem://x", data);
    const source = new CoalescingSource(slow, { gapBytes: 1000, maxMergedBytes: 250 });
    await Promise.all([0, 100, 200, 300, 400].map((o) => source.fetch(o, 50)));
    for (const [, length] of slow.calls) expect(length).toBeLessThanOrEqual(250);
    expect(slow.calls.length).toBe(2);
  });

  it("does not merge reads made at different times", async () => {
    const slow = new SlowSource("mem://x", data);
    const source = new CoalescingSource(slow);
    await source.fetch(0, 10);
    await source.fetch(10, 10);
    expect(slow.calls.length).toBe(2);
  });
});

describe("LimitSource", () => {
  it("keeps at most N requests in flight and still serves them all", async () => {
    const slow = new SlowSource("mem://x", data, 3);
    const source = new LimitSource(slow, 3);
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => source.fetch(i * 1000, 10)));
    expect(results.every((r, i) => Buffer.compare(r, data.subarray(i * 1000, i * 1000 + 10)) === 0)).toBe(
      true,
    );
    expect(slow.peak).toBe(3);
    expect(source.limit.active).toBe(0);
  });

  it("shares one limit across sources", async () => {
    const limit = new ConcurrencyLimit(2);
    const a = new SlowSource("mem://a", data, 3);
    const b = new SlowSource("mem://b", data, 3);
    const sa = new LimitSource(a, limit);
    const sb = new LimitSource(b, limit);
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? sa : sb).fetch(i, 1)));
    expect(limit.peak).toBe(2);
  });

  it("frees the slot when a request fails", async () => {
    const source = new LimitSource(new SlowSource("mem://x", data), 1);
    await expect(source.fetch(data.length, 5)).rejects.toThrow();
    expect(await source.fetch(0, 1)).toHaveLength(1);
  });
});
