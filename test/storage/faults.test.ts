/**
 * Fault tests over a loopback HTTP server: transient answers are retried and counted, 4xx are not, cut bodies
 * and stalls become clear errors, and giving up names the last failure as the cause.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  AccessDeniedError,
  NotFoundError,
  RangeNotSupportedError,
  RangeOutsideObjectError,
  RetriesExhaustedError,
  TimeoutError,
  TransientError,
  TruncatedResponseError,
} from "../../refs/storage/errors.js";
import { HttpSource } from "../../refs/storage/http.js";
import { withDefaults } from "../../refs/storage/middleware/stack.js";
import { type RangeServer, startRangeServer } from "../servers/http-range-server.js";
import { payload } from "./conformance.js";

const data = payload(50_000, 11);
let server: RangeServer;
let url: string;

/** A stack with quick retries and no cache, so every read reaches the server. */
const stack = (maxAttempts = 4, timeoutMs = 2000) =>
  withDefaults(new HttpSource(url), {
    cache: false,
    coalesce: false,
    retry: { maxAttempts, baseDelayMs: 5, maxDelayMs: 20 },
    timeoutMs,
  });

/** Answers the first `n` GETs with `fault`, then lets the server answer normally. */
function failFirst(n: number, fault: (res: ServerResponse, req: IncomingMessage) => void) {
  let left = n;
  server.options = {
    intercept: (req, res) => {
      if (req.method !== "GET" || left <= 0) return false;
      left--;
      fault(res, req);
      return true;
    },
  };
}

const status = (code: number) => (res: ServerResponse) => res.writeHead(code, { "content-length": 0 }).end();

/** Promises a full range but sends only half of it, then drops the connection. */
const cutShort = (res: ServerResponse, req: IncomingMessage) => {
  const [, a, b] = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? "") ?? [];
  const start = Number(a);
  const end = Number(b);
  res.writeHead(206, {
    "content-range": `bytes ${start}-${end}/${data.length}`,
    "content-length": end - start + 1,
  });
  res.write(data.subarray(start, start + Math.floor((end - start + 1) / 2)));
  setTimeout(() => res.socket?.destroy(), 20);
};

beforeAll(async () => {
  server = await startRangeServer();
  server.objects.set("/f.bin", data);
  url = `${server.origin}/f.bin`;
});
afterAll(() => server.close());
beforeEach(() => {
  server.options = {};
});

describe("retries over HTTP", () => {
  it("succeeds after 503 twice, counting the retries and the requests", async () => {
    failFirst(2, status(503));
    const source = stack();
    expect(Buffer.compare(await source.fetch(100, 1000), data.subarray(100, 1100))).toBe(0);
    expect(source.stats).toMatchObject({ requests: 3, retries: 2, failures: 2, bytes: 1000 });
  });

  it("retries throttling (429) and dropped connections", async () => {
    failFirst(1, status(429));
    const throttled = stack();
    await throttled.fetch(0, 10);
    expect(throttled.stats.retries).toBe(1);
    failFirst(1, (res) => res.socket?.destroy());
    const dropped = stack();
    await dropped.fetch(0, 10);
    expect(dropped.stats.retries).toBe(1);
  });

  it.each([
    [404, NotFoundError],
    [403, AccessDeniedError],
    [401, AccessDeniedError],
  ])("does not retry %i", async (code, cls) => {
    failFirst(5, status(code));
    const source = stack();
    const error = await source.fetch(0, 10).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(cls);
    expect((error as NotFoundError).url).toBe(url);
    expect(source.stats).toMatchObject({ requests: 1, retries: 0 });
  });

  it("does not retry a range outside the object", async () => {
    const source = stack();
    await expect(source.fetch(data.length + 10, 10)).rejects.toBeInstanceOf(RangeOutsideObjectError);
    expect(source.stats.retries).toBe(0);
  });

  it("gives up with RetriesExhaustedError whose cause is the last failure", async () => {
    failFirst(100, status(503));
    const source = stack(3);
    const error = await source.fetch(0, 10).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect((error as RetriesExhaustedError).attempts).toBe(3);
    expect((error as Error).message).toContain(url);
    const cause = (error as Error).cause;
    expect(cause).toBeInstanceOf(TransientError);
    expect((cause as TransientError).status).toBe(503);
    expect(source.stats.requests).toBe(3);
  });
});

describe("broken responses over HTTP", () => {
  it("a body cut short is a TruncatedResponseError, never partial bytes", async () => {
    failFirst(1, cutShort);
    const error = await new HttpSource(url).fetch(1000, 20_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TruncatedResponseError);
    expect(error).toMatchObject({ url, expected: 20_000 });
    expect((error as TruncatedResponseError).received).toBeLessThan(20_000);
  });

  it("a body cut short is retried by the stack, and reported as the cause when it persists", async () => {
    failFirst(1, cutShort);
    expect(Buffer.compare(await stack().fetch(1000, 20_000), data.subarray(1000, 21_000))).toBe(0);
    failFirst(10, cutShort);
    const error = await stack(2)
      .fetch(1000, 20_000)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect((error as Error).cause).toBeInstanceOf(TruncatedResponseError);
  });

  it("a stalled body times out with TimeoutError", async () => {
    failFirst(1, (res) => {
      res.writeHead(206, { "content-range": `bytes 0-99/${data.length}`, "content-length": 100 });
      res.write(data.subarray(0, 10)); // then nothing
    });
    const error = await stack(1, 150)
      .fetch(0, 100)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ url, timeoutMs: 150 });
  });

  it("a server that never answers times out, and a retry then succeeds", async () => {
    failFirst(1, () => {});
    const source = stack(3, 400);
    expect(Buffer.compare(await source.fetch(5, 5), data.subarray(5, 10))).toBe(0);
    expect(source.stats.retries).toBe(1);
  });
});

describe("request options", () => {
  it("sends the configured headers on every request", async () => {
    server.headers.length = 0;
    const source = new HttpSource(url, { headers: { authorization: "Bearer t0ken" } });
    await source.size();
    await source.fetch(0, 10);
    expect(server.headers.map((h) => h.authorization)).toEqual(["Bearer t0ken", "Bearer t0ken"]);
  });
});

describe("servers that ignore Range", () => {
  it("slices a whole-body 200 when the wanted bytes are near the start", async () => {
    server.options = { ignoreRange: true };
    const source = new HttpSource(url);
    expect(Buffer.compare(await source.fetch(30_000, 500), data.subarray(30_000, 30_500))).toBe(0);
    await expect(source.fetch(49_990, 20)).rejects.toBeInstanceOf(RangeOutsideObjectError);
  });

  it("refuses with RangeNotSupportedError when that would mean reading too much", async () => {
    server.options = { ignoreRange: true };
    const source = new HttpSource(url, { maxIgnoredRangeBytes: 10_000 });
    await expect(source.fetch(30_000, 500)).rejects.toBeInstanceOf(RangeNotSupportedError);
  });
});
