/** Output to s3:// (s3rver) and gs:// (the storage helper's fake GCS server) equals the local output. */
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OutputStore, objectStoreOutput } from "../../compute/io/output.js";
import { computeProject } from "../../compute/run.js";
import { GcsStore } from "../../refs/storage/gcs-store.js";
import { S3Store } from "../../refs/storage/s3-store.js";
import { type FakeGcsServer, startFakeGcsServer } from "../servers/fake-gcs-server.js";
import { type S3Server, startS3rver } from "../servers/s3rver.js";
import ioFor, { CONFIGS } from "./helpers/io-module.js";
import { snapshot } from "./helpers/snapshot.js";

let s3: S3Server;
let gcs: FakeGcsServer;
let want: Record<string, string>;
const dirs: string[] = [];
const config = { ...CONFIGS.coarse, variables: [...CONFIGS.coarse.variables] };

beforeAll(async () => {
  s3 = await startS3rver(["out"]);
  gcs = await startFakeGcsServer(["out"]);
  const root = await mkdtemp(join(tmpdir(), "refs-compute-"));
  dirs.push(root);
  await computeProject(await ioFor({ name: "coarse", root }), config, { mappingThreads: 0 });
  want = await snapshot(root);
});

afterAll(async () => {
  await s3?.close();
  await gcs?.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function remoteSnapshot(output: OutputStore): Promise<Record<string, string>> {
  const got: Record<string, string> = {};
  for (const path of await output.list("")) {
    const bytes = (await output.read(path)) as Uint8Array;
    if (path.endsWith(".json")) {
      const r = JSON.parse(new TextDecoder().decode(bytes));
      delete r.finishedAt;
      got[path] = JSON.stringify(r);
    } else got[path] = createHash("sha256").update(bytes).digest("hex");
  }
  return got;
}

describe("compute output on object stores", () => {
  it("s3:// through S3Store: same objects as local, rerun skips, wipe deletes", async () => {
    const output = objectStoreOutput(new S3Store(s3.options), "s3://out/era5/h3");
    const io = { ...(await ioFor({ name: "coarse", root: "/unused" })), output };
    await computeProject(io, config, { mappingThreads: 0 });
    expect(await remoteSnapshot(output)).toEqual(want);
    expect((await computeProject(io, config, { mappingThreads: 0 })).unitsRun).toBe(0);
    const again = await computeProject(io, config, { mappingThreads: 0, wipe: true });
    expect(again.unitsAlreadyDone).toBe(0);
    expect(await remoteSnapshot(output)).toEqual(want);
  });

  it("gs:// through GcsStore: same objects as local", async () => {
    const store = new GcsStore({ apiEndpoint: gcs.origin, anonymous: true });
    const output = objectStoreOutput(store, "gs://out/era5/h3");
    const io = { ...(await ioFor({ name: "coarse", root: "/unused" })), output };
    await computeProject(io, config, { mappingThreads: 0 });
    expect(await remoteSnapshot(output)).toEqual(want);
  });
});
