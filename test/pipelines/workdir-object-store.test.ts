/**
 * A project whose workdir is on object storage, through the `refs` executable (init, scan, validate, compute,
 * catalog, status): s3:// against s3rver (a real
 * S3-compatible server) and gs:// against the GCS JSON API test double (no GCS emulator installs here). The
 * sources sit in s3rver for every run, so references name the same URLs. Each child process runs with its cwd
 * and HOME in empty temporary folders, which must hold nothing afterwards but HOME/.cache/refs (the local cache
 * of cell mappings and the API's SQLite file). The references (JSON and Parquet) and the H3 Parquet must equal,
 * byte for byte, those of a serial run in a local workdir, also when scan and compute run as shards in several
 * processes at once. A compute killed with SIGKILL shows as interrupted and a rerun completes with the same output.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { objectStoreOutput } from "../../compute/io/output.js";
import { main } from "../../pipelines/cli/main.js";
import { writeEra5Like } from "../../pipelines/demo/era5-like.js";
import { temporaryHost } from "../../pipelines/project/workdir-io.js";
import type { PhaseStatus } from "../../pipelines/status/phase-status.js";
import { GcsStore } from "../../refs/storage/gcs-store.js";
import { S3Store } from "../../refs/storage/s3-store.js";
import type { ObjectStore } from "../../refs/storage/types.js";
import { type FakeGcsServer, startFakeGcsServer } from "../servers/fake-gcs-server.js";
import { type S3Server, startS3rver } from "../servers/s3rver.js";
import { writeTestStacSchemas } from "./helpers/stac-schemas.js";

const bin = join(resolve(import.meta.dirname, "..", ".."), "bin", "refs.js");
let tmp: string;
let s3: S3Server;
let gcs: FakeGcsServer;
let s3Store: S3Store;
let gcsStore: GcsStore;
let baseEnv: NodeJS.ProcessEnv;
/** The local serial run's outputs, per reference format. */
const local: Record<string, { references: Record<string, string>; h3: Record<string, string> }> = {};

interface Run {
  code: number | null;
  out: string;
  err: string;
}

/** `refs <args>` in a child process with cwd and HOME in `sandbox` (made empty by the caller). */
function refs(sandbox: string, extraEnv: NodeJS.ProcessEnv, ...args: string[]): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: join(sandbox, "cwd"),
      env: { ...baseEnv, HOME: join(sandbox, "home"), ...extraEnv },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (b) => (out += b));
    child.stderr.on("data", (b) => (err += b));
    child.on("error", fail);
    child.on("close", (code) => done({ code, out, err }));
  });
}

async function ok(sandbox: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<Run> {
  const from = s3?.requests.length ?? 0;
  const r = await refs(sandbox, env, ...args);
  expect(r.code, `refs ${args.join(" ")}\n${r.err}`).toBe(0);
  if (env.REFS_WORKDIR?.startsWith("s3://work/")) tallyWorkdirRequests(args[0] ?? "", from);
  return r;
}

/** Requests each `refs` command made to the s3:// workdir's bucket, by method: printed, as what a run costs. */
const workdirCost: string[] = [];
function tallyWorkdirRequests(command: string, from: number): void {
  const counts: Record<string, number> = {};
  for (const r of s3.requests.slice(from)) {
    const [method, path] = r.split(" ");
    if (method && path?.startsWith("/work/")) counts[method] = (counts[method] ?? 0) + 1;
  }
  workdirCost.push(`refs ${command}: ${JSON.stringify(counts)}`);
}

async function sandbox(name: string): Promise<string> {
  const dir = join(tmp, name);
  const { mkdir } = await import("node:fs/promises");
  await mkdir(join(dir, "cwd"), { recursive: true });
  await mkdir(join(dir, "home"), { recursive: true });
  return dir;
}

/** Every file under a folder, relative, sorted. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** Hash of every object under `root` of a store (URL or local folder through LocalOutput-like listing). */
async function picture(store: ObjectStore, root: string, keep: (path: string) => boolean) {
  const out = objectStoreOutput(store, root);
  const result: Record<string, string> = {};
  for (const path of await out.list("")) {
    if (!keep(path)) continue;
    result[path] = sha((await out.read(path)) as Uint8Array);
  }
  return result;
}

const isParquet = (p: string) => p.endsWith(".parquet");
const isReference = (p: string) => !p.endsWith("summary.json") && !p.endsWith("validation.json");

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "refs-remote-workdir-"));
  const data = join(tmp, "data");
  await writeEra5Like({
    dir: data,
    days: 2,
    latNorth: 50,
    latSouth: 44,
    lonWest: 0,
    lonEast: 6,
    step: 0.5,
    chunks: [6, 7, 7],
  });
  s3 = await startS3rver(["data", "work"]);
  s3Store = new S3Store(s3.options);
  for (const name of await readdir(data))
    await s3Store.write(`s3://data/era5/${name}`, new Uint8Array(await readFile(join(data, name))));
  gcs = await startFakeGcsServer(["work"]);
  gcsStore = new GcsStore({ apiEndpoint: gcs.origin });
  const schemas = await writeTestStacSchemas(join(tmp, "stac-schemas"));
  baseEnv = {
    PATH: process.env.PATH,
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
    AWS_EC2_METADATA_DISABLED: "true",
    REFS_STAC_SCHEMAS: schemas,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
  // the serial run in a local workdir that the object-store runs must equal (in this process: quicker)
  const workdir = join(tmp, "local-workdir");
  vi.stubEnv("AWS_ACCESS_KEY_ID", "S3RVER");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "S3RVER");
  const inProcess = async (...args: string[]) =>
    expect(await main([...args, "--workdir", workdir]), args.join(" ")).toBe(0);
  for (const format of ["json", "parquet"]) {
    const name = `p${format}`;
    await inProcess(...initArgs(name, format), "-q");
    await inProcess("scan", name, "-q");
    await inProcess("compute", name, "--serial", "-q");
    const dir = join(workdir, name);
    local[format] = {
      references: await localPicture(join(dir, "references"), isReference),
      h3: await localPicture(join(dir, "h3"), isParquet),
    };
  }
  vi.unstubAllEnvs();
}, 120_000);

async function localPicture(dir: string, keep: (path: string) => boolean) {
  const result: Record<string, string> = {};
  for (const path of await filesUnder(dir)) {
    if (keep(path)) result[path] = sha(new Uint8Array(await readFile(join(dir, path))));
  }
  return result;
}

function initArgs(name: string, format: string): string[] {
  return [
    "init",
    name,
    "--source",
    "s3://data/era5/*.nc",
    "--s3-endpoint",
    s3.endpoint,
    "--s3-region",
    "us-east-1",
    "--format",
    format,
    "--resolution",
    "4",
  ];
}

afterAll(async () => {
  await s3?.close();
  await gcs?.close();
  await rm(tmp, { recursive: true, force: true });
});

async function wholeJob(
  box: string,
  env: NodeJS.ProcessEnv,
  workdir: string,
  store: ObjectStore,
  format: string,
): Promise<void> {
  const name = `p${format}`;
  await ok(box, env, ...initArgs(name, format));
  await ok(box, env, "scan", name, "-q");
  await ok(box, env, "validate", name, "-q");
  await ok(box, env, "compute", name, "--serial", "-q");
  await ok(box, env, "catalog", name, "-q");
  const status = JSON.parse((await ok(box, env, "status", name, "--json")).out) as { phases: PhaseStatus[] };
  expect(status.phases.map((p) => p.state)).toEqual(["done", "done", "done", "done"]);
  const dir = `${workdir}/${name}`;
  expect(await picture(store, `${dir}/references`, isReference)).toEqual(local[format]?.references);
  expect(Object.keys(local[format]?.h3 ?? {}).length).toBeGreaterThan(0);
  expect(await picture(store, `${dir}/h3`, isParquet)).toEqual(local[format]?.h3);
  const kept = await picture(store, dir, () => true);
  expect(Object.keys(kept)).toEqual(
    expect.arrayContaining([
      "project.json",
      "status/scan.json",
      "status/validate.json",
      "references/validation.json",
      "catalog/catalog.json",
    ]),
  );
  expect(Object.keys(kept).some((p) => p.startsWith("scan/files/"))).toBe(true);
  expect(Object.keys(kept).some((p) => p.startsWith("h3/_units/"))).toBe(true);
  // nothing written locally but the cache
  expect(await filesUnder(join(box, "cwd"))).toEqual([]);
  expect((await filesUnder(join(box, "home"))).every((p) => p.startsWith(".cache/refs/"))).toBe(true);
}

describe("a workdir on object storage", () => {
  it("s3:// (s3rver): init, scan, compute, catalog, status; Parquet references and H3 equal the local run", async () => {
    const box = await sandbox("s3");
    const env = { REFS_WORKDIR: "s3://work/projects", AWS_ENDPOINT_URL_S3: s3.endpoint };
    workdirCost.length = 0;
    await wholeJob(box, env, "s3://work/projects", s3Store, "parquet");
    console.log(`workdir requests of an s3:// run:\n${workdirCost.join("\n")}`);
  }, 90_000);

  it("s3://: compute killed with SIGKILL shows interrupted; the rerun cleans temporaries, same H3 output", async () => {
    const box = await sandbox("s3-kill");
    const env = { REFS_WORKDIR: "s3://work/projects", AWS_ENDPOINT_URL_S3: s3.endpoint };
    const dir = "s3://work/projects/pparquet";
    const records = async () => {
      let n = 0;
      for await (const _ of s3Store.list(`${dir}/h3/_units/*.json`)) n++;
      return n;
    };
    const urls: string[] = [];
    for await (const o of s3Store.list(`${dir}/h3/**`)) urls.push(o.url);
    for (const url of urls) await s3Store.delete(url);
    const child = spawn(process.execPath, [bin, "compute", "pparquet", "-q"], {
      cwd: join(box, "cwd"),
      env: { ...baseEnv, HOME: join(box, "home"), ...env },
      stdio: "ignore",
    });
    const exited = new Promise<void>((done) => child.on("exit", () => done()));
    for (let i = 0; i < 3000 && child.exitCode === null && (await records()) < 1; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(child.exitCode).toBeNull();
    child.kill("SIGKILL");
    await exited;
    const status = await refs(box, env, "status", "pparquet");
    expect(status.code).toBe(1);
    expect(status.out).toMatch(/compute\s+interrupted/);
    // PUTs are atomic, so the kill leaves no temporary objects; one named as the killed process would is put
    // there to see the rerun clean the object store too
    const leftover = `${dir}/h3/x.parquet.${child.pid}@${temporaryHost()}.0a0b0c0d.tmp`;
    await s3Store.write(leftover, new Uint8Array([1]));
    const rerun = JSON.parse((await ok(box, env, "compute", "pparquet", "--json")).out) as {
      summary: { unitsAlreadyDone: number; unitsRun: number };
    };
    expect(rerun.summary.unitsAlreadyDone).toBeGreaterThanOrEqual(1); // resumed, not redone
    expect(rerun.summary.unitsRun).toBeGreaterThanOrEqual(1);
    expect(
      await s3Store
        .open(leftover)
        .size()
        .catch((e: Error) => e.name),
    ).toBe("NotFoundError");
    expect(await picture(s3Store, `${dir}/h3`, isParquet)).toEqual(local.parquet?.h3);
    expect((await refs(box, env, "status", "pparquet")).out).toMatch(/compute\s+done/);
    expect(await filesUnder(join(box, "cwd"))).toEqual([]);
  }, 90_000);

  it("gs:// (GCS test double): the same with JSON references", async () => {
    const box = await sandbox("gcs");
    const env = { REFS_WORKDIR: "gs://work/projects", STORAGE_EMULATOR_HOST: gcs.origin };
    await wholeJob(box, env, "gs://work/projects", gcsStore, "json");
  }, 90_000);

  it("gs://: scan in 3 processes at once (2 shards, one of them twice), combine, compute in 2 shard processes: equal to the local run", async () => {
    const box = await sandbox("gcs-shards");
    const workdir = "gs://work/sharded";
    const env = { REFS_WORKDIR: workdir, STORAGE_EMULATOR_HOST: gcs.origin };
    await ok(box, env, ...initArgs("pjson", "json"));
    // a Kubernetes Indexed Job's two pods, and a second copy of pod 1 (a retried pod racing the first)
    const pod = (index: number) => ({ ...env, JOB_COMPLETION_INDEX: String(index), JOB_COMPLETIONS: "2" });
    const scans = await Promise.all([
      refs(box, pod(0), "scan", "pjson", "-q"),
      refs(box, pod(1), "scan", "pjson", "-q"),
      refs(box, pod(1), "scan", "pjson", "-q"),
    ]);
    for (const r of scans) expect(r.code, r.err).toBe(0);
    await ok(box, env, "scan", "pjson", "--combine", "-q");
    // compute as a Cloud Run Job's two tasks at once
    const task = (index: number) => ({
      ...env,
      CLOUD_RUN_TASK_INDEX: String(index),
      CLOUD_RUN_TASK_COUNT: "2",
    });
    const computes = await Promise.all([
      refs(box, task(0), "compute", "pjson", "--serial", "-q"),
      refs(box, task(1), "compute", "pjson", "--serial", "-q"),
    ]);
    for (const r of computes) expect(r.code, r.err).toBe(0);
    await ok(box, env, "catalog", "pjson", "-q");
    const status = JSON.parse((await ok(box, env, "status", "pjson", "--json")).out) as {
      phases: PhaseStatus[];
    };
    expect(status.phases.find((p) => p.phase === "scan")?.state).toBe("done");
    expect(status.phases.find((p) => p.phase === "compute")?.state).toBe("done");
    const dir = `${workdir}/pjson`;
    expect(await picture(gcsStore, `${dir}/references`, isReference)).toEqual(local.json?.references);
    expect(await picture(gcsStore, `${dir}/h3`, isParquet)).toEqual(local.json?.h3);
    const kept = Object.keys(await picture(gcsStore, dir, () => true));
    expect(kept).toEqual(
      expect.arrayContaining([
        "status/scan.shard-0-of-2.json",
        "status/scan.shard-1-of-2.json",
        "status/compute.shard-0-of-2.json",
        "status/compute.shard-1-of-2.json",
      ]),
    );
    expect(await filesUnder(join(box, "cwd"))).toEqual([]);
    expect((await filesUnder(join(box, "home"))).every((p) => p.startsWith(".cache/refs/"))).toBe(true);
  }, 120_000);

  it("init refuses a missing bucket and missing credentials, naming the URL, with no stack trace", async () => {
    const box = await sandbox("refused");
    const s3Env = { AWS_ENDPOINT_URL_S3: s3.endpoint };
    const missing = await refs(box, s3Env, ...initArgs("x", "json"), "--workdir", "s3://nobucket/projects");
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("workdir s3://nobucket/projects: the bucket does not exist");
    expect(missing.err).not.toMatch(/\n\s+at /);
    const anonymous = { ...s3Env, AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "" };
    const noKeys = await refs(box, anonymous, ...initArgs("x", "json"), "--workdir", "s3://work/projects");
    expect(noKeys.code).toBe(1);
    expect(noKeys.err).toContain("workdir s3://work/projects: no access (credentials missing");
    expect(noKeys.err).not.toMatch(/\n\s+at /);
    const gcsMissing = await refs(
      box,
      { STORAGE_EMULATOR_HOST: gcs.origin },
      ...initArgs("x", "json"),
      "--workdir",
      "gs://nobucket/p",
    );
    expect(gcsMissing.code).toBe(1);
    expect(gcsMissing.err).toContain("workdir gs://nobucket/p: the bucket does not exist");
  }, 60_000);
});
