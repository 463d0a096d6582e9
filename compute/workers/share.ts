/**
 * Work shared between worker threads and this thread: each takes the next item as soon as it is free, so this
 * thread works instead of waiting (also while the workers are still starting, which under tsx takes a second).
 */
import { setImmediate } from "node:timers/promises";

export async function shareWork<I, T>(
  items: I[],
  workers: number,
  onWorker: (item: I) => Promise<T>,
  here: (item: I) => T,
): Promise<T[]> {
  const results = new Array<T>(items.length);
  let next = 0;
  const viaWorker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await onWorker(items[i] as I);
    }
  };
  const inThisThread = async () => {
    // Let the workers take their first items before this thread starts on one.
    await setImmediate();
    while (next < items.length) {
      const i = next++;
      results[i] = here(items[i] as I);
      // Between items, hand finished workers their next one.
      await setImmediate();
    }
  };
  await Promise.all([...Array.from({ length: workers }, viaWorker), inThisThread()]);
  return results;
}
