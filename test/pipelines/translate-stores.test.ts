/**
 * `refs translate` over every object-store scheme, with the storage options `refs init` takes: s3:// against a
 * real S3-compatible server (s3rver) with --s3-endpoint/--s3-region, signed (credentials from the AWS
 * environment, as the SDK reads them) and --anonymous (s3rver serves unsigned reads); gs:// against the GCS JSON API test double with
 * --gcs-endpoint and with STORAGE_EMULATOR_HOST. References are written back to the same store with -o and
 * must equal a direct local scan under the remote URL.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseArgs } from "../../pipelines/cli/command.js";
import { translateCommand } from "../../pipelines/cli/commands/translate.js";
import { readKerchunkJson } from "../../refs/formats/kerchunk-json.js";
import type { ReferenceSet } from "../../refs/model/reference-set.js";
import { FileSource } from "../../refs/storage/file.js";
import { S3Store } from "../../refs/storage/s3-store.js";
import { scanHdf5 } from "../../scanner/hdf5/scan.js";
import { h5wasmReady } from "../scanner/hdf5/h5wasm-oracle.js";
import { type FakeGcsServer, startFakeGcsServer } from "../servers/fake-gcs-server.js";
import { type S3Server, startS3rver } from "../servers/s3rver.js";

const dir = mkdtempSync(join(tmpdir(), "refs-translate-stores-"));
const file = join(dir, "t.h5");
let bytes: Uint8Array;
let s3: S3Server;
let gcs: FakeGcsServer;

beforeAll(async () => {
  const h5 = await h5wasmReady();
  const f = new h5.File(file, "w", { libver: "latest" });
  f.create_dataset({
    name: "v",
    data: new Float32Array(600).map((_, i) => i),
    shape: [20, 30],
    chunks: [10, 10],
    compression: "gzip",
  });
  f.create_attribute("title", "stores");
  f.close();
  bytes = new Uint8Array(readFileSync(file));
  s3 = await startS3rver(["data"]);
  await new S3Store(s3.options).write("s3://data/in/t.h5", bytes);
  gcs = await startFakeGcsServer(["bucket"]);
  gcs.put("bucket", "in/t.h5", bytes);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await s3.close();
  await gcs.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(...argv: string[]): Promise<number> {
  return translateCommand.run(parseArgs(argv, translateCommand.valueOptions, translateCommand.flags));
}

async function expectSameAsLocal(refs: ReferenceSet, url: string): Promise<void> {
  const direct = await scanHdf5(new FileSource(file), url);
  expect([...refs.metadata.entries()]).toEqual([...direct.refs.metadata.entries()]);
  const table = direct.refs.arrays.get("v");
  expect(table?.count).toBe(6);
  for (const flat of table?.present() ?? [])
    expect(refs.arrays.get("v")?.get(flat)).toEqual(table?.get(flat));
}

describe("refs translate over object stores", () => {
  it("s3:// with --s3-endpoint/--s3-region, credentials from the environment, output to S3", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "S3RVER");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "S3RVER");
    try {
      const argv = ["--s3-endpoint", s3.endpoint, "--s3-region", "us-east-1"];
      expect(await run("s3://data/in/t.h5", ...argv, "-o", "s3://data/out/t.json")).toBe(0);
    } finally {
      vi.unstubAllEnvs();
    }
    const out = new S3Store(s3.options).open("s3://data/out/t.json");
    const written = await out.fetch(0, await out.size());
    await expectSameAsLocal(readKerchunkJson(new TextDecoder().decode(written)), "s3://data/in/t.h5");
  });

  it("s3:// with --anonymous (no credentials looked up), references to stdout", async () => {
    const printed: string[] = [];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    try {
      expect(await run("s3://data/in/t.h5", "--s3-endpoint", s3.endpoint, "--anonymous")).toBe(0);
    } finally {
      spy.mockRestore();
    }
    await expectSameAsLocal(readKerchunkJson(printed.join("")), "s3://data/in/t.h5");
  });

  it("gs:// with --gcs-endpoint, output to GCS", async () => {
    expect(
      await run("gs://bucket/in/t.h5", "--gcs-endpoint", gcs.origin, "-o", "gs://bucket/out/t.json"),
    ).toBe(0);
    const written = gcs.buckets.get("bucket")?.get("out/t.json")?.bytes;
    expect(written).toBeDefined();
    await expectSameAsLocal(readKerchunkJson(new TextDecoder().decode(written)), "gs://bucket/in/t.h5");
    expect(gcs.log.some((l) => l.includes("in%2Ft.h5") || l.includes("in/t.h5"))).toBe(true);
  });

  it("gs:// through STORAGE_EMULATOR_HOST, with --anonymous", async () => {
    vi.stubEnv("STORAGE_EMULATOR_HOST", gcs.origin);
    try {
      const out = join(dir, "gs.json");
      expect(await run("gs://bucket/in/t.h5", "--anonymous", "-o", out)).toBe(0);
      await expectSameAsLocal(readKerchunkJson(readFileSync(out, "utf8")), "gs://bucket/in/t.h5");
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("a missing object fails naming its URL", async () => {
    await expect(run("gs://bucket/in/absent.h5", "--gcs-endpoint", gcs.origin)).rejects.toThrow(/absent\.h5/);
    await expect(run("s3://data/in/absent.h5", "--s3-endpoint", s3.endpoint, "--anonymous")).rejects.toThrow(
      /absent\.h5/,
    );
  });
});
