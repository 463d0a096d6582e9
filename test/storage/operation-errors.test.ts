/**
 * A transient failure names what was being done: "transient failure deleting s3://...", not "reading", for every
 * store operation. A real local HTTP server (node:http) answers every request with 503 and S3's SlowDown error
 * XML, so the AWS SDK, the GCS library and fetch() each parse a real answer.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isError } from "../../refs/errors.js";
import {
  GcsStore,
  HttpStore,
  type ObjectStore,
  S3Store,
  type StorageOperation,
  TransientError,
} from "../../refs/storage/index.js";

let server: Server;
let origin: string;
/** "METHOD path" of every request the server saw. */
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    req.resume();
    res.writeHead(503, { "content-type": "application/xml" });
    res.end(
      "<?xml version='1.0' encoding='UTF-8'?><Error><Code>SlowDown</Code>" +
        "<Message>Please reduce your request rate.</Message></Error>",
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

async function failure(attempt: () => Promise<unknown>): Promise<TransientError> {
  const error = await attempt().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isError(error, TransientError), String(error)).toBe(true);
  return error as TransientError;
}

async function drain(items: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of items);
}

const bytes = new Uint8Array([1, 2, 3]);

/** Each operation of a store, and the URL its failure must name. */
function operations(store: ObjectStore, base: string): [StorageOperation, string, () => Promise<unknown>][] {
  const url = `${base}/dir/key.bin`;
  return [
    ["read", url, () => store.open(url).fetch(0, 2)],
    ["write", url, () => store.write!(url, bytes)],
    ["create", url, () => store.create!(url, bytes)],
    ["delete", url, () => store.delete!(url)],
    ["list", `${base}/dir/`, () => drain(store.list(`${base}/dir/*.bin`))],
  ];
}

const doing = { read: "reading", write: "writing", create: "creating", delete: "deleting", list: "listing" };

describe("a transient failure names the operation", () => {
  it("S3: read, write, create, delete and list", async () => {
    const store = new S3Store({
      endpoint: origin,
      forcePathStyle: true,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    for (const [operation, url, attempt] of operations(store, "s3://bucket")) {
      const error = await failure(attempt);
      expect(error.operation).toBe(operation);
      expect(error.status).toBe(503);
      expect(error.message).toBe(
        `transient failure ${doing[operation]} ${url}: SlowDown (HTTP 503): Please reduce your request rate.`,
      );
    }
    expect(seen.some((r) => r.startsWith("DELETE /bucket/dir/key.bin"))).toBe(true);
  });

  it("GCS: read, write, create, delete and list", async () => {
    const store = new GcsStore({ apiEndpoint: origin, projectId: "test" });
    for (const [operation, url, attempt] of operations(store, "gs://bucket")) {
      const error = await failure(attempt);
      expect(error.operation).toBe(operation);
      expect(error.status).toBe(503);
      expect(error.message).toMatch(new RegExp(`^transient failure ${doing[operation]} ${url}: HTTP 503`));
    }
  });

  it("HTTP: read and list (an http store neither writes nor deletes)", async () => {
    const store = new HttpStore();
    const read = await failure(() => store.open(`${origin}/a/b.bin`).fetch(0, 2));
    expect(read.message).toBe(`transient failure reading ${origin}/a/b.bin: HTTP 503 Service Unavailable`);
    const list = await failure(() => drain(store.list(`${origin}/a/*.bin`)));
    expect(list.operation).toBe("list");
    expect(list.message).toMatch(new RegExp(`^transient failure listing ${origin}/a/`));
  });
});
