/** shareWork: pieces of a sample mapping go to worker threads and to this thread; results keep item order. */
import { setTimeout } from "node:timers/promises";
import { expect, it } from "vitest";
import { shareWork } from "../../compute/workers/share.js";

it("every item is done once, by a worker or here, and results come back in item order", async () => {
  const items = Array.from({ length: 40 }, (_, i) => i);
  const byWorker: number[] = [];
  const byHere: number[] = [];
  const results = await shareWork(
    items,
    2,
    async (i) => {
      // A slow start, as workers have: this thread takes items meanwhile.
      await setTimeout(i < 2 ? 30 : 2);
      byWorker.push(i);
      return i * 10;
    },
    (i) => {
      byHere.push(i);
      return i * 10;
    },
  );
  expect(results).toEqual(items.map((i) => i * 10));
  expect([...byWorker, ...byHere].sort((a, b) => a - b)).toEqual(items);
  expect(byWorker.length).toBeGreaterThan(1);
  expect(byHere.length).toBeGreaterThan(1);
});

it("a failing item fails the whole", async () => {
  await expect(
    shareWork(
      [1, 2, 3],
      1,
      async (i) => {
        if (i === 1) throw new Error("piece 1 failed");
        return i;
      },
      (i) => i,
    ),
  ).rejects.toThrow("piece 1 failed");
});
