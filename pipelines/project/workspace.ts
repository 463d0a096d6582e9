import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { RefsError } from "../../refs/errors.js";
import { PROJECT_NAME, type ProjectConfig, validateConfig } from "./config.js";
import { ProjectConfigError, UnknownProjectError } from "./errors.js";

/**
 * A workdir is a local folder (project.json, status and references are local files); a URL such as
 * s3://bucket/projects would otherwise become a folder named "s3:". On Kubernetes, mount it (refs compute --k8s --pvc).
 */
export class NonLocalWorkdirError extends RefsError {
  override name = "NonLocalWorkdirError";
  constructor(readonly workdir: string) {
    super(
      `workdir "${workdir}" is not a local folder: a workdir holds project.json, status and references as ` +
        "local files; give a folder (on Kubernetes: a volume mounted from a PersistentVolumeClaim, see refs " +
        "compute --k8s --pvc), and send the output to object storage with the project's compute.output",
    );
  }
}

/** False for a URL (s3:, gs:, https:, file:...); a single letter before ":" is a Windows drive. */
export function isLocalWorkdir(workdir: string): boolean {
  return !/^[A-Za-z][A-Za-z0-9+.-]+:/.test(workdir);
}

/** The folder layout of one project. Everything a phase writes lives under `dir`. */
export class Workspace {
  readonly dir: string;

  constructor(
    readonly workdir: string,
    readonly name: string,
  ) {
    if (!isLocalWorkdir(workdir)) throw new NonLocalWorkdirError(workdir);
    this.dir = join(resolve(workdir), name);
  }

  get configFile(): string {
    return join(this.dir, "project.json");
  }
  statusFile(phase: string): string {
    return join(this.dir, "status", `${phase}.json`);
  }
  get logFile(): string {
    return join(this.dir, "logs", "refs.log");
  }
  /** Per-file scan results, so a rerun scans only new or failed files. */
  get scansDir(): string {
    return join(this.dir, "scan", "files");
  }
  get referencesDir(): string {
    return join(this.dir, "references");
  }
  get computeDir(): string {
    return join(this.dir, "h3");
  }
  get catalogDir(): string {
    return join(this.dir, "catalog");
  }
  /** The API's SQLite store, shared by every project of the workdir so one `refs serve` shows them all. */
  get apiDatabase(): string {
    return apiDatabasePath(this.workdir);
  }

  async loadConfig(): Promise<ProjectConfig> {
    let text: string;
    try {
      text = await readFile(this.configFile, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        throw new UnknownProjectError(this.name, resolve(this.workdir), await listProjects(this.workdir));
      }
      throw error;
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
}

export function apiDatabasePath(workdir: string): string {
  return join(resolve(workdir), "catalog.sqlite");
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
  let entries: string[];
  try {
    entries = await readdir(workdir);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries.sort()) {
    try {
      await readFile(join(workdir, e, "project.json"));
      out.push(e);
    } catch {
      // not a project folder
    }
  }
  return out;
}

/**
 * Write JSON through a temporary file and rename, so a killed process never leaves half a file. The temporary
 * name is unique per write: pods sharing a volume all run as pid 1, and two of them may write the same file.
 */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await mkdir(join(path, ".."), { recursive: true });
  const tmp = `${path}.${process.pid}-${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`);
  await rename(tmp, path);
}

export async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
