/**
 * S3 options and error mapping, with the loopback range server standing in for an S3 endpoint (path-style
 * GET/HEAD with Range is all a read needs), so the requests themselves can be inspected.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  AccessDeniedError,
  NotFoundError,
  RangeOutsideObjectError,
  TransientError,
  TruncatedResponseError,
} from "../../refs/storage/errors.js";
import { withDefaults } from "../../refs/storage/middleware/stack.js";
import { S3Store } from "../../refs/storage/s3-store.js";
import { type RangeServer, startRangeServer } from "../servers/http-range-server.js";
import { payload } from "./conformance.js";

const data = payload(4096, 4);
let server: RangeServer;
const stores: S3Store[] = [];
const storeWith = (options: ConstructorParameters<typeof S3Store>[0]) => {
  const store = new S3Store({
    endpoint: server.origin,
    forcePathStyle: true,
    region: "eu-west-1",
    ...options,
  });
  stores.push(store);
  return store;
};

beforeAll(async () => {
  server = await startRangeServer();
  server.objects.set("/public/era5/t.nc", data);
});
afterAll(async () => {
  for (const store of stores) (await store.client()).destroy();
  await server.close();
});
beforeEach(() => {
  server.options = {};
  server.headers.length = 0;
  server.log.length = 0;
});

describe("S3 options", () => {
  it("anonymous access sends unsigned requests", async () => {
    const source = storeWith({ anonymous: true }).open("s3://public/era5/t.nc");
    expect(Buffer.compare(await source.fetch(10, 100), data.subarray(10, 110))).toBe(0);
    expect(await source.size()).toBe(4096);
    expect(server.headers.length).toBeGreaterThan(0);
    for (const h of server.headers) {
      expect(h.authorization).toBeUndefined();
      expect(h["x-amz-security-token"]).toBeUndefined();
    }
  });

  it("with credentials, requests are signed (SigV4) for the given region", async () => {
    const store = storeWith({ credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" } });
    await store.open("s3://public/era5/t.nc").fetch(0, 10);
    expect(server.headers[0]?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d+\/eu-west-1\/s3\//,
    );
    expect(server.log[0]).toBe("GET /public/era5/t.nc?x-id=GetObject bytes=0-9");
  });

  it("without a region anywhere in the SDK chain, signs for us-east-1", async () => {
    const vars = ["AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_CONFIG_FILE"] as const;
    const saved = vars.map((k) => process.env[k]);
    for (const k of vars) delete process.env[k];
    process.env.AWS_CONFIG_FILE = "/nonexistent/refs-test-aws-config";
    try {
      const store = new S3Store({
        endpoint: server.origin,
        forcePathStyle: true,
        credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" },
      });
      stores.push(store);
      await store.open("s3://public/era5/t.nc").fetch(0, 10);
      expect(server.headers[0]?.authorization).toMatch(/\/us-east-1\/s3\//);
    } finally {
      vars.forEach((k, i) => {
        const v = saved[i];
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      });
    }
  });

  it("learns the size from Content-Range, so a past-the-end read is reported with it", async () => {
    const source = storeWith({ anonymous: true }).open("s3://public/era5/t.nc");
    const error = await source.fetch(4000, 200).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RangeOutsideObjectError);
    expect(error).toMatchObject({ size: 4096, url: "s3://public/era5/t.nc" });
  });
});

describe("S3 error mapping", () => {
  const answer = (status: number, code: string) => {
    server.options = {
      intercept: (_req, res) => {
        const xml = `<?xml version="1.0"?><Error><Code>${code}</Code><Message>m</Message></Error>`;
        res.writeHead(status, { "content-type": "application/xml" }).end(xml);
        return true;
      },
    };
  };

  it.each([
    [404, "NoSuchKey", NotFoundError],
    [403, "AccessDenied", AccessDeniedError],
    [503, "SlowDown", TransientError],
    [500, "InternalError", TransientError],
  ])("%i %s becomes %o", async (status, code, cls) => {
    answer(status, code);
    const error = await storeWith({ anonymous: true })
      .open("s3://public/x.nc")
      .fetch(0, 10)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(cls);
    expect((error as NotFoundError).url).toBe("s3://public/x.nc");
  });

  it("SlowDown twice then success: the middleware retries and counts", async () => {
    let left = 2;
    server.options = {
      intercept: (req, res) => {
        if (req.method !== "GET" || left <= 0) return false;
        left--;
        const xml = `<?xml version="1.0"?><Error><Code>SlowDown</Code><Message>Reduce your rate</Message></Error>`;
        res.writeHead(503, { "content-type": "application/xml" }).end(xml);
        return true;
      },
    };
    const source = withDefaults(storeWith({ anonymous: true }).open("s3://public/era5/t.nc"), {
      cache: false,
      retry: { baseDelayMs: 5 },
    });
    expect(Buffer.compare(await source.fetch(1, 99), data.subarray(1, 100))).toBe(0);
    expect(source.stats).toMatchObject({ requests: 3, retries: 2 });
  });

  it("a body cut short is a TruncatedResponseError, never partial bytes", async () => {
    server.options = {
      intercept: (req, res) => {
        if (req.method !== "GET") return false;
        res.writeHead(206, { "content-range": "bytes 0-1999/4096", "content-length": 2000 });
        res.write(data.subarray(0, 700));
        setTimeout(() => res.socket?.destroy(), 20);
        return true;
      },
    };
    const error = await storeWith({ anonymous: true })
      .open("s3://public/era5/t.nc")
      .fetch(0, 2000)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TruncatedResponseError);
    expect(error).toMatchObject({ url: "s3://public/era5/t.nc", expected: 2000 });
  });

  it("a refused connection is transient", async () => {
    const store = new S3Store({
      endpoint: "http://127.0.0.1:1",
      forcePathStyle: true,
      anonymous: true,
      region: "x",
    });
    stores.push(store);
    await expect(store.open("s3://b/k").fetch(0, 1)).rejects.toBeInstanceOf(TransientError);
  });
});
