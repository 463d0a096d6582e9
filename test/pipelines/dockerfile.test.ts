/**
 * The Dockerfile's steps, replayed in clean folders standing for the image's paths (no Docker daemon runs here):
 * the runtime stage's `npm ci --omit=dev` of the locked production dependencies (offline, from npm's cache, with
 * better-sqlite3's binary handed to its installer as a local prebuilt: the stand-in for the download it makes on a
 * machine with network), the built JavaScript copied from the build stage, the `refs` link, then the image's
 * entrypoint runs `--help` and the demo from the user's home, offline. The build stage's steps are the checkout's
 * own (`npm ci`, then `npm run build`, which CI runs first): by default the test checks that every path it copies
 * is in the build context (and not left out by .dockerignore) and uses this checkout's build (dist/, rebuilt when
 * stale); REFS_DOCKERFILE_FULL=1 replays them too in a clean folder (about 3 minutes more).
 * About 1-2 minutes on a loaded machine, so it is a file of its own.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PhaseStatus } from "../../pipelines/status/phase-status.js";
import { parseDockerfile, type Stage } from "./helpers/dockerfile.js";

const root = resolve(import.meta.dirname, "..", "..");
const FULL = process.env.REFS_DOCKERFILE_FULL === "1";
let dir: string;
let stages: Stage[];
let image: {
  env: NodeJS.ProcessEnv;
  cwd: string;
  entrypoint: string[];
  user?: string;
  map: (p: string) => string;
};

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

function sh(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn("sh", ["-ec", command], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.on("data", (b: Buffer) => {
      err += b.toString();
    });
    child.stdout.resume();
    child.on("close", (code) =>
      code === 0 ? done() : fail(new Error(`RUN ${command}: exit ${code}\n${err}`)),
    );
  });
}

/** .dockerignore patterns: a top-level name, or *.ext. */
async function ignored(path: string): Promise<boolean> {
  const patterns = (await readFile(join(root, ".dockerignore"), "utf8"))
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const top = path.replace(/^\.\//, "").split("/")[0] as string;
  return patterns.some((p) => (p.startsWith("*.") ? path.endsWith(p.slice(1)) : p === top));
}

/**
 * Replays one stage with its absolute paths mapped into `folders` (image path -> local folder); COPY without
 * --from reads the build context (the checkout). Returns what the stage leaves for running the image.
 */
async function replay(
  stage: Stage,
  folders: Record<string, string>,
  env: NodeJS.ProcessEnv,
  runSteps: boolean,
): Promise<typeof image> {
  const prefixes = Object.keys(folders).sort((a, b) => b.length - a.length);
  const map = (p: string) => {
    const prefix = prefixes.find((x) => p === x || p.startsWith(`${x}/`));
    if (!prefix) throw new Error(`the Dockerfile uses ${p}, which the test maps nowhere`);
    return join(folders[prefix] as string, p.slice(prefix.length));
  };
  const stageEnv: NodeJS.ProcessEnv = { ...env };
  let cwd = "";
  let user: string | undefined;
  let entrypoint: string[] = [];
  for (const step of stage.steps) {
    if (step.op === "WORKDIR") {
      cwd = map(step.text);
      await mkdir(cwd, { recursive: true });
    } else if (step.op === "ENV") {
      const [name, value] = step.text.split("=", 2) as [string, string];
      stageEnv[name] = value
        .split(":")
        .map((part) => (part === "$PATH" ? (env.PATH ?? "") : isAbsolute(part) ? map(part) : part))
        .join(":");
    } else if (step.op === "COPY") {
      const words = step.text.split(/\s+/);
      const dest = words.pop() as string;
      for (const src of words) {
        if (step.flags.from) {
          await cp(
            map(src),
            resolve(cwd, dest.endsWith("/") ? join(dest, src.split("/").pop() as string) : dest),
            {
              recursive: true,
            },
          );
          continue;
        }
        expect(existsSync(join(root, src)), `COPY ${src}: not in the build context`).toBe(true);
        expect(await ignored(src), `COPY ${src}: left out by .dockerignore`).toBe(false);
        if (runSteps)
          await cp(join(root, src), resolve(cwd, dest.endsWith("/") ? join(dest, src) : dest), {
            recursive: true,
          });
      }
    } else if (step.op === "RUN") {
      if (runSteps) await sh(step.text, cwd, stageEnv);
    } else if (step.op === "USER") {
      user = step.text;
    } else if (step.op === "ENTRYPOINT") {
      entrypoint = JSON.parse(step.text) as string[];
    } else if (step.op !== "CMD") {
      throw new Error(`Dockerfile: ${step.op} is not replayed by this test`);
    }
  }
  return { env: stageEnv, cwd, entrypoint, ...(user ? { user } : {}), map };
}

function run(args: string[]) {
  const [program, ...rest] = [...image.entrypoint, ...args] as [string, ...string[]];
  const t0 = performance.now();
  return new Promise<{ code: number | null; out: string; err: string; seconds: number }>((done, fail) => {
    const child = spawn(program, rest, { cwd: image.cwd, env: image.env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
    });
    child.stderr.on("data", (b: Buffer) => {
      err += b.toString();
    });
    child.on("error", fail);
    child.on("close", (code) => done({ code, out, err, seconds: (performance.now() - t0) / 1000 }));
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "refs-dockerfile-"));
  stages = parseDockerfile(await readFile(join(root, "Dockerfile"), "utf8"));
  const [build, runtime] = stages as [Stage, Stage];
  const t0 = performance.now();
  // the build stage: the checkout's own build, or (REFS_DOCKERFILE_FULL=1) replayed in a clean /src
  const src = FULL ? join(dir, "src") : root;
  const npmOffline = { npm_config_offline: "true", npm_config_audit: "false", npm_config_fund: "false" };
  await replay(build, { "/src": src }, { ...process.env, ...npmOffline }, FULL);
  if (!FULL)
    execFileSync(process.execPath, [join(root, "bin", "dist.js"), "--if-stale"], { stdio: "inherit" });
  const t1 = performance.now();

  // better-sqlite3's binary as a local prebuilt, the stand-in for its download (see packed-install.ts)
  const prebuilds = join(dir, "prebuilds");
  await mkdir(prebuilds);
  const sqlite = JSON.parse(
    await readFile(join(root, "node_modules", "better-sqlite3", "package.json"), "utf8"),
  ) as { version: string };
  const tarball = `better-sqlite3-v${sqlite.version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  execFileSync("tar", ["czf", join(prebuilds, tarball), "build/Release/better_sqlite3.node"], {
    cwd: join(root, "node_modules", "better-sqlite3"),
  });
  const proxy = `http://127.0.0.1:${await closedPort()}`;
  const { REFS_STAC_SCHEMAS, REFS_STAC_SCHEMA_CACHE, REFS_WORKDIR, REFS_PG_URL, ...hostEnv } = process.env;
  const offline = {
    ...hostEnv,
    ...npmOffline,
    npm_config_better_sqlite3_local_prebuilds: prebuilds,
    HTTP_PROXY: proxy,
    HTTPS_PROXY: proxy,
    http_proxy: proxy,
    https_proxy: proxy,
    NO_PROXY: "",
    no_proxy: "",
    HOME: join(dir, "home", "node"),
    XDG_CACHE_HOME: join(dir, "home", "node", ".cache"),
    npm_config_cache: join(process.env.HOME ?? "/root", ".npm"), // the machine's npm cache, read offline
  };
  image = await replay(
    runtime,
    { "/src": src, "/app": join(dir, "app"), "/home/node": join(dir, "home", "node") },
    offline,
    true,
  );
  console.log(
    `Dockerfile: build stage ${FULL ? "replayed" : "(the checkout's build)"} ${((t1 - t0) / 1000).toFixed(1)} s, ` +
      `runtime stage replayed ${((performance.now() - t1) / 1000).toFixed(1)} s`,
  );
}, 600_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the Dockerfile, replayed", () => {
  it("has a build and a runtime stage on node:20-slim; the runtime runs as a non-root user", () => {
    expect(stages.map((s) => s.base)).toEqual(["node:20-slim", "node:20-slim"]);
    expect(image.user).toBe("node");
    expect(image.entrypoint).toEqual(["refs"]);
  });

  it("holds the production dependencies and the built JavaScript only", async () => {
    const app = image.map("/app");
    expect((await readdir(app)).sort()).toEqual([
      "bin",
      "dist",
      "node_modules",
      "package-lock.json",
      "package.json",
    ]);
    const modules = await readdir(join(app, "node_modules"));
    for (const dev of ["typescript", "vitest", "@biomejs", "tsx", "s3rver"])
      expect(modules).not.toContain(dev);
    for (const prod of ["better-sqlite3", "h5wasm", "@duckdb"]) expect(modules).toContain(prod);
    const dist = await readdir(join(app, "dist"), { recursive: true });
    expect(dist.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
    expect(dist).toContain(join("pipelines", "cli", "bin.js"));
  });

  it("refs --help and the demo run from the image's home, offline", async () => {
    const help = await run(["--help"]);
    expect(help.code, help.err).toBe(0);
    expect(help.out).toMatch(/^usage: refs <command>/);
    const workdir = join(image.cwd, "demo");
    const demo = await run(["demo", "--no-serve", "--days", "1", "--workdir", workdir]);
    console.log(`refs demo --no-serve --days 1 (from the replayed image): ${demo.seconds.toFixed(1)} s`);
    expect(demo.code, demo.err.slice(-3000)).toBe(0);
    const status = await run(["status", "era5-demo", "--workdir", workdir, "--json"]);
    expect(status.code, status.err).toBe(0);
    const phases = (JSON.parse(status.out) as { phases: PhaseStatus[] }).phases;
    expect(phases.map((p) => `${p.phase} ${p.state}`)).toEqual([
      "scan done",
      "validate done",
      "compute done",
      "catalog done",
    ]);
  }, 300_000);
});
