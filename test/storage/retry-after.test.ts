/**
 * Retry-After honoured and "gave up" explained, against a real local HTTP server (node:http) that throttles:
 * it answers 503 with a Retry-After header (seconds or an HTTP-date) before serving the bytes. The same server
 * speaks enough of S3's error XML for the AWS SDK to parse a SlowDown, so the S3 path is the SDK's real one.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RetriesExhaustedError, TransientError } from "../../refs/storage/errors.js";
import { HttpSource } from "../../refs/storage/http.js";
import { parseRetryAfter } from "../../refs/storage/http-response.js";
import { RetrySource } from "../../refs/storage/middleware/retry.js";
import { S3Store } from "../../refs/storage/s3-store.js";

const BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);

interface Plan {
  /** Throttled answers before the bytes are served (Infinity: always). */
  throttled: number;
  retryAfter?: () => string;
}

let server: Server;
let origin: string;
let plan: Plan = { throttled: 0 };
/** Arrival time of every request. */
let arrivals: number[] = [];

function answer(req: IncomingMessage, res: ServerResponse) {
  arrivals.push(Date.now());
  if (arrivals.length <= plan.throttled) {
    const headers: Record<string, string> = { "content-type": "application/xml" };
    if (plan.retryAfter) headers["retry-after"] = plan.retryAfter();
    res.writeHead(503, headers);
    res.end(
      "<?xml version='1.0' encoding='UTF-8'?><Error><Code>SlowDown</Code>" +
        "<Message>Please reduce your request rate.</Message></Error>",
    );
    return;
  }
  const range = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? "");
  if (req.method === "HEAD" || !range) {
    res.writeHead(200, { "content-length": BYTES.length, etag: '"v1"' });
    res.end(req.method === "HEAD" ? undefined : BYTES);
    return;
  }
  const [start, end] = [Number(range[1]), Number(range[2])];
  res.writeHead(206, {
    "content-range": `bytes ${start}-${end}/${BYTES.length}`,
    "content-length": end - start + 1,
  });
  res.end(BYTES.subarray(start, end + 1));
}

beforeAll(async () => {
  server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function throttle(next: Plan) {
  plan = next;
  arrivals = [];
}

/** Retries with a backoff of about a millisecond, so any longer wait is the server's Retry-After. */
const fastRetries = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 1, random: () => 1 };

describe("Retry-After", () => {
  it("parses delay-seconds and HTTP-dates, and nothing else", () => {
    const now = Date.parse("2024-05-01T12:00:00Z");
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Wed, 01 May 2024 12:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Wed, 01 May 2024 11:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it("HTTP: waits the seconds a 503 asks for before the next attempt", async () => {
    throttle({ throttled: 1, retryAfter: () => "1" });
    const source = new RetrySource(new HttpSource(`${origin}/a.bin`), fastRetries);
    expect(Array.from(await source.fetch(10, 4))).toEqual([10, 11, 12, 13]);
    expect(arrivals).toHaveLength(2);
    expect((arrivals[1] as number) - (arrivals[0] as number)).toBeGreaterThanOrEqual(950);
  });

  it("HTTP: waits until the HTTP-date a 503 names", async () => {
    // a date two seconds ahead, at one-second resolution: between one and two seconds from now
    throttle({ throttled: 1, retryAfter: () => new Date(Date.now() + 2000).toUTCString() });
    const source = new RetrySource(new HttpSource(`${origin}/a.bin`), fastRetries);
    await source.fetch(0, 8);
    const gap = (arrivals[1] as number) - (arrivals[0] as number);
    expect(gap).toBeGreaterThanOrEqual(900);
    expect(gap).toBeLessThan(2500);
  });

  it("caps what a server asks for", async () => {
    throttle({ throttled: 1, retryAfter: () => "3600" });
    const source = new RetrySource(new HttpSource(`${origin}/a.bin`), {
      ...fastRetries,
      maxRetryAfterMs: 300,
    });
    await source.fetch(0, 8);
    const gap = (arrivals[1] as number) - (arrivals[0] as number);
    expect(gap).toBeGreaterThanOrEqual(280);
    expect(gap).toBeLessThan(2000);
  });

  it("S3 (the AWS SDK's own parsing): a SlowDown's Retry-After is honoured", async () => {
    throttle({ throttled: 1, retryAfter: () => "1" });
    const store = s3Store();
    try {
      const source = new RetrySource(store.open("s3://bucket/a.bin"), fastRetries);
      expect(Array.from(await source.fetch(0, 3))).toEqual([0, 1, 2]);
      expect((arrivals[1] as number) - (arrivals[0] as number)).toBeGreaterThanOrEqual(950);
    } finally {
      (await store.client()).destroy();
    }
  });
});

describe("gave up: the last cause named and kept", () => {
  it("HTTP: status and reason in the message, the TransientError as cause", async () => {
    throttle({ throttled: Number.POSITIVE_INFINITY });
    const source = new RetrySource(new HttpSource(`${origin}/a.bin`), fastRetries);
    const error = await source.fetch(0, 8).catch((e) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(error.message).toBe(
      `gave up reading ${origin}/a.bin after 4 attempts; last failure: HTTP 503 Service Unavailable`,
    );
    expect(error.attempts).toBe(4);
    expect(error.lastStatus).toBe(503);
    expect(error.cause).toBeInstanceOf(TransientError);
    expect(arrivals).toHaveLength(4);
  });

  it("S3: the code, the status and S3's message", async () => {
    throttle({ throttled: Number.POSITIVE_INFINITY });
    const store = s3Store();
    try {
      const source = new RetrySource(store.open("s3://bucket/a.bin"), fastRetries);
      const error = await source.fetch(0, 8).catch((e) => e);
      expect(error).toBeInstanceOf(RetriesExhaustedError);
      expect(error.message).toBe(
        "gave up reading s3://bucket/a.bin after 4 attempts; last failure: " +
          "SlowDown (HTTP 503): Please reduce your request rate.",
      );
      expect(error.lastStatus).toBe(503);
      expect(error.cause).toBeInstanceOf(TransientError);
      expect(error.cause.cause?.name).toBe("SlowDown");
    } finally {
      (await store.client()).destroy();
    }
  });
});

function s3Store(): S3Store {
  return new S3Store({
    endpoint: origin,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
}
