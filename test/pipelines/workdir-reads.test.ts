/**
 * What a workdir read costs on object storage, counted at s3rver (a real S3-compatible server): one GET of the
 * whole object, no HEAD for its size first, and a missing object is one GET answered 404.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { readBytes, readText, writeBytes } from "../../pipelines/project/workdir-io.js";
import { type S3Server, startS3rver } from "../servers/s3rver.js";

let s3: S3Server;

beforeAll(async () => {
  s3 = await startS3rver(["work"]);
  // workdirStorage() reads the standard variables, as the CLI does
  vi.stubEnv("AWS_ENDPOINT_URL_S3", s3.endpoint);
  vi.stubEnv("AWS_REGION", "us-east-1");
  vi.stubEnv("AWS_ACCESS_KEY_ID", "S3RVER");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "S3RVER");
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await s3?.close();
});

describe("workdir reads on object storage", () => {
  it("cost one GET each, for a present and for a missing object", async () => {
    const url = "s3://work/p/status/scan.json";
    const text = JSON.stringify({ state: "done", files: Array.from({ length: 500 }, (_, i) => i) });
    await writeBytes(url, text);
    s3.requests.length = 0;
    expect(await readText(url)).toBe(text);
    expect(s3.requests).toEqual(["GET /work/p/status/scan.json"]);
    s3.requests.length = 0;
    expect(await readBytes("s3://work/p/status/missing.json")).toBeUndefined();
    expect(s3.requests).toEqual(["GET /work/p/status/missing.json"]);
    s3.requests.length = 0;
    await writeBytes("s3://work/p/empty.json", new Uint8Array(0));
    expect((await readBytes("s3://work/p/empty.json"))?.length).toBe(0);
    expect(s3.requests.filter((r) => r.startsWith("GET") || r.startsWith("HEAD"))).toEqual([
      "GET /work/p/empty.json",
    ]);
  });
});
