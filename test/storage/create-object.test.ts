/**
 * `create`: write only when nothing is there, atomically against racing writers. Local files (hard link), the
 * memory store, and GCS through the JSON API test double (which checks ifGenerationMatch as GCS does). s3rver
 * ignores If-None-Match on PUT, so S3's conditional create cannot be proven here: only that the request is sent.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileStore } from "../../refs/storage/file-store.js";
import { GcsStore } from "../../refs/storage/gcs-store.js";
import { MemoryStore } from "../../refs/storage/memory-store.js";
import { S3Store } from "../../refs/storage/s3-store.js";
import { type FakeGcsServer, startFakeGcsServer } from "../servers/fake-gcs-server.js";
import { type S3Server, startS3rver } from "../servers/s3rver.js";

const text = (s: string) => new TextEncoder().encode(s);
let dir: string;
let gcs: FakeGcsServer;
let s3: S3Server;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "refs-create-"));
  gcs = await startFakeGcsServer(["b"]);
  s3 = await startS3rver(["b"]);
});
afterAll(async () => {
  await gcs.close();
  await s3.close();
  await rm(dir, { recursive: true, force: true });
});

describe("create only if absent", () => {
  it("local files: of ten racing creates exactly one wins, its bytes stay, no temporaries remain", async () => {
    const store = new FileStore();
    const path = join(dir, "sub", "project.json");
    const won = await Promise.all(
      Array.from({ length: 10 }, (_, i) => store.create(path, text(`writer ${i}`))),
    );
    expect(won.filter(Boolean)).toHaveLength(1);
    expect(await readFile(path, "utf8")).toBe(`writer ${won.indexOf(true)}`);
    expect(await readdir(join(dir, "sub"))).toEqual(["project.json"]);
  });

  it("memory store", async () => {
    const store = new MemoryStore();
    expect(await store.create("memory://a", text("1"))).toBe(true);
    expect(await store.create("memory://a", text("2"))).toBe(false);
    expect(new TextDecoder().decode(store.objects.get("memory://a"))).toBe("1");
  });

  it("GCS: ifGenerationMatch=0, the second create is refused (412) and the first object stays", async () => {
    const store = new GcsStore({ apiEndpoint: gcs.origin });
    expect(await store.create("gs://b/p/project.json", text("first"))).toBe(true);
    expect(await store.create("gs://b/p/project.json", text("second"))).toBe(false);
    const bytes = gcs.buckets.get("b")?.get("p/project.json")?.bytes;
    expect(new TextDecoder().decode(bytes)).toBe("first");
    expect(gcs.log.filter((l) => l.includes("ifGenerationMatch=0"))).toHaveLength(2);
  });

  it("S3: the create sends If-None-Match (s3rver ignores it: last writer wins there)", async () => {
    const store = new S3Store(s3.options);
    const client = await store.client();
    const sent: (string | undefined)[] = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        const headers = (args.request as { headers: Record<string, string> }).headers;
        sent.push(headers["if-none-match"]);
        return next(args);
      },
      { step: "finalizeRequest" },
    );
    expect(await store.create("s3://b/p/project.json", text("first"))).toBe(true);
    expect(sent).toEqual(["*"]);
  });
});
