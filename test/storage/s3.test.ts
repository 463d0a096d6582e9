import { describe, expect, it } from "vitest";
import { S3Store } from "../../refs/storage/s3-store.js";
import { startS3rver } from "../servers/s3rver.js";
import { describeStoreConformance } from "./conformance.js";

describeStoreConformance("s3 (s3rver)", async () => {
  const server = await startS3rver(["bucket"]);
  const store = new S3Store(server.options);
  return {
    store,
    base: "s3://bucket/conformance/",
    canWrite: true,
    close: async () => {
      (await store.client()).destroy();
      await server.close();
    },
  };
});

describe("s3 listing across pages (s3rver)", () => {
  it("follows continuation tokens and keeps lexical order", async () => {
    const server = await startS3rver(["paged"]);
    const store = new S3Store({ ...server.options, listPageSize: 5 });
    try {
      const keys = Array.from({ length: 13 }, (_, i) => `era5/2022/${String(i).padStart(2, "0")}.nc`);
      for (const key of [...keys].reverse()) await store.write(`s3://paged/${key}`, new Uint8Array(3));
      await store.write("s3://paged/era5/2022/notes.txt", new Uint8Array(1));
      const found: string[] = [];
      for await (const o of store.list("s3://paged/era5/2022/**/*.nc")) found.push(o.url);
      expect(found).toEqual(keys.map((k) => `s3://paged/${k}`));
    } finally {
      (await store.client()).destroy();
      await server.close();
    }
  });
});
