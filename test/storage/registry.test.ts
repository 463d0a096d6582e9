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
  registerStore,
  S3Source,
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
