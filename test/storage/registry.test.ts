import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FileSource,
  GcsSource,
  HttpSource,
  listObjects,
  MemoryStore,
  openSource,
  openWithDefaults,
  registerStore,
  S3Source,
  StackedSource,
  schemeOf,
  storeFor,
  UnsupportedUrlError,
  writeObject,
} from "../../refs/storage/index.js";

describe("storage registry", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "refs-registry-"));
    await writeFile(join(root, "a.nc"), "abc");
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("reads the scheme, plain paths being files", () => {
    expect(schemeOf("s3://b/k")).toBe("s3");
    expect(schemeOf("GS://b/k")).toBe("gs");
    expect(schemeOf("/data/x.nc")).toBe("file");
    expect(schemeOf("x.nc")).toBe("file");
    expect(schemeOf("file:///x.nc")).toBe("file");
  });

  it("opens the right source per scheme", async () => {
    expect(openSource(join(root, "a.nc"))).toBeInstanceOf(FileSource);
    expect(openSource("https://example.org/x.nc")).toBeInstanceOf(HttpSource);
    expect(openSource("s3://bucket/x.nc", { s3: { region: "eu-west-1" } })).toBeInstanceOf(S3Source);
    expect(openSource("gs://bucket/x.nc")).toBeInstanceOf(GcsSource);
    expect(await openSource(`file://${root}/a.nc`).size()).toBe(3);
  });

  it("keeps one store per options object and scheme", () => {
    const options = {};
    expect(storeFor("https://a/b", options)).toBe(storeFor("https://e/f", options));
    expect(storeFor("https://a/b", options)).not.toBe(storeFor("https://a/b", {}));
  });

  it("rejects unknown schemes and writes to read-only stores with UnsupportedUrlError", async () => {
    expect(() => openSource("ftp://host/x.nc")).toThrow(UnsupportedUrlError);
    await expect(writeObject("https://example.org/x", new Uint8Array(1))).rejects.toThrow(
      UnsupportedUrlError,
    );
  });

  it("lists through a registered store", async () => {
    const memory = new MemoryStore();
    registerStore("memory", () => memory);
    await writeObject("memory://b/x/1.nc", new Uint8Array(4));
    await writeObject("memory://b/x/2.txt", new Uint8Array(4));
    const found = [];
    for await (const o of listObjects("memory://b/**/*.nc")) found.push(o.url);
    expect(found).toEqual(["memory://b/x/1.nc"]);
  });
});

describe("openWithDefaults", () => {
  it("wraps the source in the middleware stack, counting network reads", async () => {
    const root = await mkdtemp(join(tmpdir(), "refs-stack-"));
    try {
      await writeFile(
        join(root, "b.bin"),
        new Uint8Array(100_000).map((_, i) => i % 251),
      );
      const source = openWithDefaults(join(root, "b.bin"), { http: { timeoutMs: 5000 } });
      expect(source).toBeInstanceOf(StackedSource);
      const reads = await Promise.all([source.fetch(10, 5), source.fetch(70_000, 3), source.fetch(12, 2)]);
      expect([...reads[0]!]).toEqual([10, 11, 12, 13, 14]);
      expect([...reads[1]!]).toEqual([70_000 % 251, 70_001 % 251, 70_002 % 251]);
      expect([...reads[2]!]).toEqual([12, 13]);
      // blocks 0 and 1 (64 KiB each): one request each, or one when coalesced
      expect(source.stats.requests).toBeLessThanOrEqual(2);
      await source.fetch(0, 100);
      expect(source.stats.requests).toBeLessThanOrEqual(2);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
