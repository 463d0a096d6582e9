/**
 * Abort signals against stalling servers: reads, sizes and listings over HTTP, S3 (s3rver) and the GCS test
 * double stop as soon as the caller's signal aborts, rejecting with the signal's reason (an AbortError unless
 * the caller gave another), and the connection is closed rather than left waiting. The stall is made by a TCP
 * proxy in front of each real server, so every client library meets the same silence.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GcsStore } from "../../refs/storage/gcs-store.js";
import { HttpStore } from "../../refs/storage/http-store.js";
import { S3Store } from "../../refs/storage/s3-store.js";
import type { ObjectStore } from "../../refs/storage/types.js";
import { startFakeGcsServer } from "../servers/fake-gcs-server.js";
import { startRangeServer } from "../servers/http-range-server.js";
import { startS3rver } from "../servers/s3rver.js";
import { type StallProxy, startStallProxy } from "../servers/stall-proxy.js";
import { payload } from "./conformance.js";

const data = payload(200_000, 5);

interface Backend {
  /** A store whose every request goes through `proxy`. */
  store: ObjectStore;
  /** URL prefix of the seeded objects `abort/a.bin` and `abort/x/y.nc`. */
  base: string;
  proxy: StallProxy;
  close(): Promise<void>;
}

const backends: [string, () => Promise<Backend>][] = [
  [
    "http",
    async () => {
      const server = await startRangeServer();
      server.objects.set("/abort/a.bin", data);
      server.objects.set("/abort/x/y.nc", data.subarray(0, 10));
      const proxy = await startStallProxy(server.origin);
      const close = async () => {
        await proxy.close();
        await server.close();
      };
      return { store: new HttpStore(), base: `${proxy.origin}/`, proxy, close };
    },
  ],
  [
    "s3 (s3rver)",
    async () => {
      const server = await startS3rver(["bucket"]);
      const direct = new S3Store(server.options);
      await direct.write("s3://bucket/abort/a.bin", data);
      await direct.write("s3://bucket/abort/x/y.nc", data.subarray(0, 10));
      (await direct.client()).destroy();
      const proxy = await startStallProxy(server.endpoint);
      const store = new S3Store({ ...server.options, endpoint: proxy.origin });
      const close = async () => {
        (await store.client()).destroy();
        await proxy.close();
        await server.close();
      };
      return { store, base: "s3://bucket/", proxy, close };
    },
  ],
  [
    "gcs (JSON API test double)",
    async () => {
      const server = await startFakeGcsServer(["bucket"]);
      server.put("bucket", "abort/a.bin", data);
      server.put("bucket", "abort/x/y.nc", data.subarray(0, 10));
      const proxy = await startStallProxy(server.origin);
      const store = new GcsStore({ apiEndpoint: proxy.origin, projectId: "test" });
      const close = async () => {
        await proxy.close();
        await server.close();
      };
      return { store, base: "gs://bucket/", proxy, close };
    },
  ],
];

/**
 * Starts `task`, checks that it is still waiting 200 ms later (the server stalls), aborts, and returns how it
 * settled and how long after the abort.
 */
async function abortWhileStalled(task: (signal: AbortSignal) => Promise<unknown>, reason?: unknown) {
  const controller = new AbortController();
  let settled = false;
  const outcome = task(controller.signal).then(
    () => ({ resolved: true, error: undefined as unknown }),
    (error: unknown) => ({ resolved: false, error }),
  );
  void outcome.then(() => {
    settled = true;
  });
  await sleep(200);
  const stalled = !settled;
  const abortedAt = performance.now();
  controller.abort(reason);
  const { resolved, error } = await outcome;
  return { stalled, resolved, error, ms: performance.now() - abortedAt };
}

async function eventually(check: () => boolean, ms = 2000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(20)) if (check()) return true;
  return check();
}

describe.each(backends)("abort signal over %s", (_name, start) => {
  let b: Backend;
  beforeAll(async () => {
    b = await start();
  });
  afterAll(() => b?.close());
  beforeEach(() => {
    b.proxy.mode = "pass";
  });

  it("reads normally through the proxy (the setup works)", async () => {
    const bytes = await b.store.open(`${b.base}abort/a.bin`).fetch(1000, 50_000);
    expect(Buffer.compare(bytes, data.subarray(1000, 51_000))).toBe(0);
  });

  it("stops a read that has no answer yet", async () => {
    b.proxy.mode = "stall";
    const source = b.store.open(`${b.base}abort/a.bin`);
    const r = await abortWhileStalled((signal) => source.fetch(1000, 100_000, { signal }));
    expect(r.stalled).toBe(true);
    expect(r.resolved).toBe(false);
    expect((r.error as Error).name).toBe("AbortError");
    expect(r.ms).toBeLessThan(1000);
    expect(await eventually(() => b.proxy.closedConnections > 0)).toBe(true);
  });

  it("stops a read whose body stalls halfway", async () => {
    b.proxy.mode = { afterBytes: 4000 }; // headers and a little of the body, then nothing
    const source = b.store.open(`${b.base}abort/a.bin`);
    const r = await abortWhileStalled((signal) => source.fetch(0, 150_000, { signal }));
    expect(r.stalled).toBe(true);
    expect(r.resolved).toBe(false);
    expect((r.error as Error).name).toBe("AbortError");
    expect(r.ms).toBeLessThan(1000);
    expect(await eventually(() => b.proxy.closedConnections > 0)).toBe(true);
  });

  it("stops a size lookup, rejecting with the caller's own reason", async () => {
    b.proxy.mode = "stall";
    const reason = new Error("the caller gave up");
    const source = b.store.open(`${b.base}abort/a.bin`);
    const r = await abortWhileStalled((signal) => source.size({ signal }), reason);
    expect(r.stalled).toBe(true);
    expect(r.error).toBe(reason);
    expect(r.ms).toBeLessThan(1000);
    expect(await eventually(() => b.proxy.closedConnections > 0)).toBe(true);
  });

  it("stops a listing", async () => {
    b.proxy.mode = "stall";
    const r = await abortWhileStalled(async (signal) => {
      for await (const _ of b.store.list(`${b.base}abort/**`, { signal })) {
        // draining
      }
    });
    expect(r.stalled).toBe(true);
    expect((r.error as Error).name).toBe("AbortError");
    expect(r.ms).toBeLessThan(1000);
  });

  it("sends nothing when the signal has already aborted", async () => {
    const source = b.store.open(`${b.base}abort/a.bin`);
    const signal = AbortSignal.abort();
    await expect(source.fetch(0, 10, { signal })).rejects.toMatchObject({ name: "AbortError" });
    await expect(source.size({ signal })).rejects.toMatchObject({ name: "AbortError" });
    expect(b.proxy.requestBytes).toBe(0);
  });
});
