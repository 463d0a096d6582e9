import { describe, expect, it } from "vitest";
import {
  NotFoundError,
  RetriesExhaustedError,
  TimeoutError,
  TransientError,
} from "../../../refs/storage/errors.js";
import { MemorySource } from "../../../refs/storage/memory.js";
import { RetrySource } from "../../../refs/storage/middleware/retry.js";
import { TimeoutSource } from "../../../refs/storage/middleware/timeout.js";
import type { ByteSource } from "../../../refs/storage/types.js";

/** Fails its first `failures` fetches with the given error, then reads from memory. */
function flaky(failures: number, error: () => Error): ByteSource & { calls: number } {
  const memory = new MemorySource("mem://x", new Uint8Array([1, 2, 3, 4]));
  return {
    url: "mem://x",
    calls: 0,
    size: () => memory.size(),
    async fetch(o: number, l: number) {
      this.calls++;
      if (this.calls <= failures) throw error();
      return memory.fetch(o, l);
    },
  };
}

describe("RetrySource", () => {
  it("backs off exponentially with full jitter, capped", async () => {
    const draws: number[] = [];
    const inner = flaky(4, () => new TransientError("mem://x", "HTTP 503", 503));
    const source = new RetrySource(inner, {
      maxAttempts: 5,
      baseDelayMs: 10,
      maxDelayMs: 40,
      random: () => {
        draws.push(0.99);
        return 0.99;
      },
    });
    const started = performance.now();
    expect([...(await source.fetch(1, 2))]).toEqual([2, 3]);
    // caps 10, 20, 40, 40 -> about 109 ms of sleeps at 0.99 of each cap
    expect(performance.now() - started).toBeGreaterThanOrEqual(100);
    expect(draws.length).toBe(4);
    expect(source.retries).toBe(4);
  });

  it("does not retry errors that asking again cannot fix", async () => {
    const inner = flaky(3, () => new NotFoundError("mem://x"));
    await expect(new RetrySource(inner, { baseDelayMs: 1 }).fetch(0, 1)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(inner.calls).toBe(1);
  });

  it("stops when the caller aborts, without further attempts", async () => {
    const inner = flaky(100, () => new TransientError("mem://x", "HTTP 503", 503));
    const controller = new AbortController();
    const pending = new RetrySource(inner, { baseDelayMs: 1000, random: () => 0.5 }).fetch(0, 1, {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error("stop")), 20);
    await expect(pending).rejects.toThrow("stop");
    expect(inner.calls).toBe(1);
  });

  it("wraps the last failure when attempts run out", async () => {
    const inner = flaky(100, () => new TimeoutError("mem://x", 5));
    const error = await new RetrySource(inner, { maxAttempts: 3, baseDelayMs: 1 })
      .fetch(0, 1)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect((error as Error).cause).toBeInstanceOf(TimeoutError);
    expect(inner.calls).toBe(3);
  });
});

describe("TimeoutSource", () => {
  it("rejects with TimeoutError and aborts the inner request", async () => {
    let innerSignal: AbortSignal | undefined;
    const hanging: ByteSource = {
      url: "mem://slow",
      size: async () => 10,
      fetch: (_o, _l, options) => {
        innerSignal = options?.signal;
        return new Promise(() => {});
      },
    };
    const error = await new TimeoutSource(hanging, 30).fetch(0, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ url: "mem://slow", timeoutMs: 30 });
    expect(innerSignal?.aborted).toBe(true);
  });

  it("passes results and the caller's own abort through", async () => {
    const memory = new MemorySource("mem://x", new Uint8Array([9, 8, 7]));
    expect([...(await new TimeoutSource(memory, 1000).fetch(1, 2))]).toEqual([8, 7]);
    const controller = new AbortController();
    controller.abort(new Error("caller"));
    await expect(new TimeoutSource(memory, 1000).fetch(0, 1, { signal: controller.signal })).rejects.toThrow(
      "caller",
    );
  });
});
