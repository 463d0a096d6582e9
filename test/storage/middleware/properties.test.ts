/**
 * Property-style checks: for many seeded random read patterns (bursts of concurrent small reads clustered at a
 * few places, plus reads touching the end), every middleware stack returns exactly the bytes of a direct read.
 */
import { describe, expect, it } from "vitest";
import { RangeOutsideObjectError } from "../../../refs/storage/errors.js";
import { MemorySource } from "../../../refs/storage/memory.js";
import { BlockCacheSource } from "../../../refs/storage/middleware/cache.js";
import { CoalescingSource } from "../../../refs/storage/middleware/coalesce.js";
import { withDefaults } from "../../../refs/storage/middleware/stack.js";
import type { ByteSource } from "../../../refs/storage/types.js";
import { payload } from "../conformance.js";
import { SlowSource, seeded } from "./helpers.js";

const SIZE = 200_003;
const data = payload(SIZE, 5);

const stacks: [string, (inner: ByteSource) => ByteSource][] = [
  ["cache (small blocks)", (s) => new BlockCacheSource(s, { blockSize: 97, maxBytes: 97 * 40 })],
  ["cache (large blocks)", (s) => new BlockCacheSource(s, { blockSize: 4096, maxBytes: 65_536 })],
  ["coalesce", (s) => new CoalescingSource(s, { gapBytes: 500, maxMergedBytes: 3000 })],
  [
    "cache over coalesce",
    (s) =>
      new BlockCacheSource(new CoalescingSource(s, { gapBytes: 300 }), { blockSize: 128, maxBytes: 8192 }),
  ],
  ["withDefaults", (s) => withDefaults(s, { cache: { blockSize: 256, maxBytes: 4096 }, concurrency: 3 })],
];

function randomReads(random: () => number): [number, number][] {
  const centres = Array.from({ length: 3 }, () => Math.floor(random() * SIZE));
  return Array.from({ length: 40 }, () => {
    const roll = random();
    if (roll < 0.1) return [SIZE - Math.floor(random() * 50) - 1, 0] as [number, number];
    const centre = centres[Math.floor(random() * centres.length)]!;
    const offset = Math.min(SIZE - 1, Math.max(0, centre + Math.floor((random() - 0.5) * 2000)));
    const length = Math.min(SIZE - offset, 1 + Math.floor(random() * (roll < 0.9 ? 300 : 9000)));
    return [offset, length];
  });
}

describe.each(stacks)("middleware %s never changes returned bytes", (_name, wrap) => {
  it.each(Array.from({ length: 12 }, (_, i) => i + 1))("random read pattern, seed %i", async (seed) => {
    const random = seeded(seed);
    const source = wrap(new SlowSource("mem://x", data, 1));
    for (let burst = 0; burst < 3; burst++) {
      const reads = randomReads(random);
      const results = await Promise.all(reads.map(([o, l]) => source.fetch(o, l)));
      results.forEach((bytes, i) => {
        const [o, l] = reads[i]!;
        expect(bytes.length).toBe(l);
        expect(Buffer.compare(bytes, data.subarray(o, o + l)), `seed ${seed} read ${o}+${l}`).toBe(0);
      });
    }
  });

  it("still refuses ranges outside the object, without failing neighbours", async () => {
    const source = wrap(new MemorySource("mem://x", data));
    const [good, bad] = await Promise.allSettled([source.fetch(SIZE - 100, 50), source.fetch(SIZE - 10, 20)]);
    expect(good.status).toBe("fulfilled");
    expect(bad.status === "rejected" && bad.reason instanceof RangeOutsideObjectError).toBe(true);
  });
});
