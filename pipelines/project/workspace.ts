import { createHash } from "node:crypto";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { PROJECT_NAME, type ProjectConfig, validateConfig } from "./config.js";
import { ProjectConfigError, UnknownProjectError } from "./errors.js";
import { createBytes, isUrlPath, joinPath, listGlob, readText, writeBytes } from "./workdir-io.js";

/** False for a URL (s3:, gs:, https:, file:...); a single letter before ":" is a Windows drive. */
export function isLocalWorkdir(workdir: string): boolean {
  return !/^[A-Za-z][A-Za-z0-9+.-]+:/.test(workdir);
}

/**
 * The layout of one project. Everything a phase keeps lives under `dir`: a local folder, or an object-store
 * prefix (`s3://bucket/projects/<name>`, `gs://...`) read and written through refs/storage (see workdir-io.ts).
 */
export class Workspace {
  readonly dir: string;

  constructor(
    readonly workdir: string,
    readonly name: string,
  ) {
    this.dir = joinPath(workdir, name);
  }

  /** True when the workdir is an object-store prefix rather than a local folder. */
  get remote(): boolean {
    return isUrlPath(this.workdir);
  }
  get configFile(): string {
    return joinPath(this.dir, "project.json");
  }
  statusFile(phase: string): string {
    return joinPath(this.dir, "status", `${phase}.json`);
  }
  get logFile(): string {
    return joinPath(this.dir, "logs", "refs.log");
  }
  /** Per-file scan results, so a rerun scans only new or failed files. */
  get scansDir(): string {
    return joinPath(this.dir, "scan", "files");
  }
  get referencesDir(): string {
    return joinPath(this.dir, "references");
  }
  get computeDir(): string {
    return joinPath(this.dir, "h3");
  }
  get catalogDir(): string {
    return joinPath(this.dir, "catalog");
  }
  /**
   * Local caches that only save time (cell mappings): inside the project folder, or for a workdir on object
   * storage in the local cache folder (see localCacheRoot), so nothing else is written to the local disk.
   */
  get cacheDir(): string {
    return this.remote ? join(localCacheRoot(this.workdir), this.name) : joinPath(this.dir, "cache");
  }
  /** The API's SQLite store, shared by every project of the workdir so one `refs serve` shows them all. */
  get apiDatabase(): string {
    return apiDatabasePath(this.workdir);
  }

  async loadConfig(): Promise<ProjectConfig> {
    const text = await readText(this.configFile);
    if (text === undefined) {
      const where = this.remote ? this.workdir : resolve(this.workdir);
      throw new UnknownProjectError(this.name, where, await listProjects(this.workdir));
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new ProjectConfigError(
        this.configFile,
        "(root)",
        `is not valid JSON: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    return validateConfig(raw, this.configFile);
  }

  async saveConfig(config: ProjectConfig): Promise<void> {
    await writeJsonAtomic(this.configFile, config);
  }

  /** Writes project.json only when there is none (two `refs init` at once: one wins). True when written. */
  async createConfig(config: ProjectConfig): Promise<boolean> {
    return createBytes(this.configFile, jsonText(config));
  }
}

/**
 * The local folder for what a workdir on object storage caches on this machine: $REFS_CACHE_DIR, else
 * $XDG_CACHE_HOME/refs, else ~/.cache/refs; then workdirs/<hash of the workdir URL>.
 */
export function localCacheRoot(workdir: string, env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.REFS_CACHE_DIR || join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), ".cache"), "refs");
  const id = createHash("sha256").update(workdir.replace(/\/+$/, "")).digest("hex").slice(0, 16);
  return join(base, "workdirs", id);
}

/** `<workdir>/catalog.sqlite`; for a workdir on object storage, in its local cache (SQLite needs a local file). */
export function apiDatabasePath(workdir: string): string {
  return isUrlPath(workdir)
    ? join(localCacheRoot(workdir), "catalog.sqlite")
    : join(resolve(workdir), "catalog.sqlite");
}

export function checkProjectName(name: string): string {
  if (!PROJECT_NAME.test(name)) {
    throw new ProjectConfigError(
      "(command line)",
      "project",
      `"${name}" may hold only letters, digits, '.', '_' and '-'`,
    );
  }
  return name;
}

/** Names of the projects in a workdir (folders holding a project.json). */
export async function listProjects(workdir: string): Promise<string[]> {
  const paths = await listGlob(workdir, "*/project.json").catch(() => []);
  return paths.map((p) => p.slice(0, p.indexOf("/"))).sort();
}

function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Write JSON whole (local: temporary file and rename; object stores: one PUT), never half a file. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeBytes(path, jsonText(value));
}

/** A JSON object's value, or undefined when there is none (a torn local file cannot exist: see writeBytes). */
export async function readJson<T>(path: string): Promise<T | undefined> {
  const text = await readText(path);
  return text === undefined ? undefined : (JSON.parse(text) as T);
}
