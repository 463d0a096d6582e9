/** GCS options (anonymous, STORAGE_EMULATOR_HOST, paging) and error mapping, against the JSON API test double. */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  AccessDeniedError,
  NotFoundError,
  TransientError,
  TruncatedResponseError,
} from "../../refs/storage/errors.js";
import { GcsStore } from "../../refs/storage/gcs-store.js";
import { type FakeGcsServer, startFakeGcsServer } from "../servers/fake-gcs-server.js";
import { payload } from "./conformance.js";

const data = payload(3000, 2);
let server: FakeGcsServer;
const authorization: (string | undefined)[] = [];

beforeAll(async () => {
  server = await startFakeGcsServer(["pub"]);
  server.put("pub", "era5/t.nc", data);
  for (let i = 0; i < 25; i++)
    server.put("pub", `many/${String(i).padStart(3, "0")}.nc`, data.subarray(0, i));
});
afterAll(() => server.close());
beforeEach(() => {
  authorization.length = 0;
  server.intercept = (req) => {
    authorization.push(req.headers.authorization);
    return false;
  };
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Runs `body` with environment variables set, restoring them after. */
async function withEnv(vars: Record<string, string>, body: () => Promise<void>): Promise<void> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    await body();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/**
 * An external-account (workload identity) credential file, the one ADC type whose token endpoint is configurable:
 * its token_url points at the test double, so the library's ADC path ends in a bearer token we can see.
 */
async function externalAccountFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "refs-gcs-adc-"));
  await writeFile(join(dir, "subject.jwt"), "subject-token");
  const credential = {
    type: "external_account",
    audience: "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/x",
    subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
    token_url: `${server.origin}/token`,
    credential_source: { file: join(dir, "subject.jwt") },
  };
  await writeFile(join(dir, "adc.json"), JSON.stringify(credential));
  return join(dir, "adc.json");
}

describe("GCS options", () => {
  it("uses application default credentials when not anonymous, and none when anonymous", async () => {
    const key = await externalAccountFile();
    await withEnv({ GOOGLE_APPLICATION_CREDENTIALS: key }, async () => {
      const signed = new GcsStore({
        apiEndpoint: server.origin,
        authWithCustomEndpoint: true,
        projectId: "p",
      });
      expect(await signed.open("gs://pub/era5/t.nc").size()).toBe(3000);
      expect(Buffer.compare(await signed.open("gs://pub/era5/t.nc").fetch(5, 10), data.subarray(5, 15))).toBe(
        0,
      );
      // metadata (through the library) and media (through fetch with the library's headers) both carry the token
      expect(authorization.filter((a) => a !== undefined)).toEqual([
        "Bearer fake-token",
        "Bearer fake-token",
      ]);
      authorization.length = 0;
      const anonymous = new GcsStore({
        apiEndpoint: server.origin,
        authWithCustomEndpoint: true,
        anonymous: true,
      });
      expect(await anonymous.open("gs://pub/era5/t.nc").size()).toBe(3000);
      expect(authorization).toEqual([undefined]);
    });
  });

  it("anonymous access sends no credentials even where the library would authenticate", async () => {
    const store = new GcsStore({ apiEndpoint: server.origin, anonymous: true, authWithCustomEndpoint: true });
    const source = store.open("gs://pub/era5/t.nc");
    expect(await source.size()).toBe(3000);
    expect(Buffer.compare(await source.fetch(100, 50), data.subarray(100, 150))).toBe(0);
    expect(authorization.length).toBe(2);
    expect(authorization.every((a) => a === undefined)).toBe(true);
  });

  it("honours STORAGE_EMULATOR_HOST through the library", async () => {
    await withEnv({ STORAGE_EMULATOR_HOST: server.origin }, async () => {
      const source = new GcsStore({}).open("gs://pub/era5/t.nc");
      expect(Buffer.compare(await source.fetch(0, 10), data.subarray(0, 10))).toBe(0);
      expect(await source.size()).toBe(3000);
    });
  });

  it("follows page tokens when listing", async () => {
    const store = new GcsStore({ apiEndpoint: server.origin, listPageSize: 4 });
    const found = await collect(store.list("gs://pub/many/0[01]?.nc"));
    expect(found.map((o) => o.url)).toEqual(
      Array.from({ length: 20 }, (_, i) => `gs://pub/many/${String(i).padStart(3, "0")}.nc`),
    );
    expect(found.map((o) => o.size)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(server.log.filter((l) => l.includes("/o?")).length).toBeGreaterThanOrEqual(7);
  });
});

describe("GCS error mapping", () => {
  it("a media body cut short is a TruncatedResponseError, never partial bytes", async () => {
    server.intercept = (req, res) => {
      if (!req.url?.includes("alt=media")) return false;
      res.writeHead(206, { "content-range": "bytes 0-1999/3000", "content-length": 2000 });
      res.write(data.subarray(0, 700));
      setTimeout(() => res.socket?.destroy(), 20);
      return true;
    };
    const error = await new GcsStore({ apiEndpoint: server.origin })
      .open("gs://pub/era5/t.nc")
      .fetch(0, 2000)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TruncatedResponseError);
    expect(error).toMatchObject({ url: "gs://pub/era5/t.nc", expected: 2000 });
  });

  it.each([
    [404, NotFoundError],
    [403, AccessDeniedError],
    [401, AccessDeniedError],
    [503, TransientError],
    [429, TransientError],
  ])("%i becomes %o naming the URL", async (status, cls) => {
    server.intercept = (_req, res) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: status, message: "injected" } }));
      return true;
    };
    const source = new GcsStore({ apiEndpoint: server.origin }).open("gs://pub/era5/t.nc");
    for (const attempt of [() => source.fetch(0, 10), () => source.size()]) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(cls);
      expect((error as NotFoundError).url).toBe("gs://pub/era5/t.nc");
    }
  });
});
