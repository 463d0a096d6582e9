/**
 * The package as a user gets it: `npm pack` of this checkout, installed with npm into an empty folder. The
 * install is pinned to this checkout's lock and runs offline from npm's cache (no registry round trips, so it
 * works and takes the same time anywhere the checkout was installed). better-sqlite3's native binary is handed to
 * its installer (prebuild-install) as a local prebuilt from this checkout's build: a stand-in for the prebuilt it
 * downloads from GitHub on a machine with network, which spares a two-minute compile.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..", "..", "..");

interface LockEntry {
  version?: string;
  dev?: boolean;
  devOptional?: boolean;
  optional?: boolean;
  [key: string]: unknown;
}

function npm(args: string[], cwd: string, env: NodeJS.ProcessEnv): string {
  return execFileSync("npm", args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Installs the packed checkout into `dir`; returns the path of its `refs` executable. */
export async function installPacked(dir: string, env: NodeJS.ProcessEnv): Promise<string> {
  await mkdir(dir, { recursive: true });
  // dist/ as the sources are now, then the tarball exactly as `npm publish` would make it (prepare not rerun)
  execFileSync(process.execPath, [join(root, "bin", "dist.js"), "--if-stale"], { stdio: "inherit" });
  const tarball = npm(["pack", "--ignore-scripts", "--silent", "--pack-destination", dir], root, env).trim();
  const bytes = await readFile(join(dir, tarball));
  const lock = JSON.parse(await readFile(join(root, "package-lock.json"), "utf8")) as {
    packages: Record<string, LockEntry>;
  };
  const self = lock.packages[""] as LockEntry;
  const packages: Record<string, LockEntry> = {
    "": { name: "refs-user", dependencies: { refs: `file:${tarball}` } },
    "node_modules/refs": {
      version: self.version,
      resolved: `file:${tarball}`,
      integrity: `sha512-${createHash("sha512").update(bytes).digest("base64")}`,
      dependencies: self.dependencies,
      bin: self.bin,
      engines: self.engines,
    },
  };
  // what a user installs: the runtime dependencies only (a runtime need declared as dev would now fail)
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (!key || entry.dev) continue;
    const { devOptional, ...kept } = entry;
    packages[key] = devOptional ? { ...kept, optional: true } : kept;
  }
  const manifest = { name: "refs-user", private: true, dependencies: { refs: `file:${tarball}` } };
  await writeFile(join(dir, "package.json"), JSON.stringify(manifest, null, 2));
  await writeFile(
    join(dir, "package-lock.json"),
    JSON.stringify({ name: "refs-user", lockfileVersion: 3, requires: true, packages }, null, 2),
  );
  const prebuilds = join(dir, "prebuilds");
  await mkdir(prebuilds, { recursive: true });
  const sqlite = JSON.parse(
    await readFile(join(root, "node_modules", "better-sqlite3", "package.json"), "utf8"),
  ) as { version: string };
  const name = `better-sqlite3-v${sqlite.version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  execFileSync("tar", ["czf", join(prebuilds, name), "build/Release/better_sqlite3.node"], {
    cwd: join(root, "node_modules", "better-sqlite3"),
  });
  npm(["ci", "--offline", "--no-audit", "--no-fund", "--loglevel=error"], dir, {
    ...env,
    npm_config_better_sqlite3_local_prebuilds: prebuilds,
  });
  return join(dir, "node_modules", ".bin", "refs");
}
