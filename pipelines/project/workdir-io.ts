/**
 * Bytes of a project, wherever its workdir is: a local folder (node:fs, written through a temporary file and a
 * rename) or an object-store prefix (refs/storage: s3://, gs://; every PUT is atomic, so no temporaries).
 * Paths are local paths or URLs; join them with joinPath, never node:path (which turns `s3://` into `s3:/`).
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { isError } from "../../refs/errors.js";
import {
  createObject,
  deleteObject,
  globMatcher,
  listObjects,
  NotFoundError,
  readObject,
  type StorageOptions,
  storeFor,
} from "../../refs/storage/index.js";

/** True for `s3://...`, `gs://...`, `memory://...`; false for a local path (a Windows drive letter included). */
export function isUrlPath(path: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]+:\/\//.test(path);
}

/** `base` and relative parts joined with "/" for a URL, with node:path (resolved) for a local folder. */
export function joinPath(base: string, ...parts: string[]): string {
  if (!isUrlPath(base)) return join(resolve(base), ...parts);
  const rest = parts.filter((p) => p !== "").map((p) => p.replace(/^\/+|\/+$/g, ""));
  return [base.replace(/\/+$/, ""), ...rest].join("/");
}

/**
 * Storage options for the workdir itself (not for the sources: those are the project's, in project.json, which
 * lives in the workdir). From the standard variables: AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL (then path-style,
 * as S3-compatible stores want) and AWS_REGION; GCS reads STORAGE_EMULATOR_HOST and its ADC itself.
 */
export function workdirStorage(env: NodeJS.ProcessEnv = process.env): StorageOptions {
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL;
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  const key = `${endpoint ?? ""}\n${region ?? ""}`;
  const cached = optionsByEnv.get(key);
  if (cached) return cached;
  // one object per setting, so refs/storage keeps one SDK client for the workdir
  const options: StorageOptions = {
    ...(endpoint || region
      ? {
          s3: {
            ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
            ...(region ? { region } : {}),
          },
        }
      : {}),
  };
  optionsByEnv.set(key, options);
  return options;
}
const optionsByEnv = new Map<string, StorageOptions>();

/** An object's bytes, or undefined when it does not exist. */
export async function readBytes(path: string): Promise<Uint8Array | undefined> {
  if (!isUrlPath(path)) {
    try {
      return new Uint8Array(await readFile(path));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return undefined;
      throw error;
    }
  }
  try {
    return await readObject(path, workdirStorage()); // one GET, no HEAD for the size first
  } catch (error) {
    if (isError(error, NotFoundError)) return undefined;
    throw error;
  }
}

export async function readText(path: string): Promise<string | undefined> {
  const bytes = await readBytes(path);
  return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
}

/** Suffix of the temporaries a local write makes: host and pid say whose they are (see cleanTemporaries). */
export function temporarySuffix(): string {
  return `.${process.pid}@${temporaryHost()}.${randomBytes(4).toString("hex")}.tmp`;
}

/** This host's name as temporaries carry it: no dots, so the name parses back. */
export function temporaryHost(): string {
  return hostname().replace(/[^A-Za-z0-9_-]/g, "_");
}

/** Writes a whole object: readers see the old bytes or the new, never a part (local: temporary + rename). */
export async function writeBytes(path: string, data: Uint8Array | string): Promise<void> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  if (isUrlPath(path)) {
    const store = storeFor(path, workdirStorage());
    if (!store.write) throw new TypeError(`the store of ${path} cannot write`);
    await store.write(path, bytes);
    return;
  }
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}${temporarySuffix()}`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
}

/**
 * Writes only when nothing is at `path`, atomically against racing writers: a conditional put (S3 If-None-Match,
 * GCS ifGenerationMatch=0) or a local hard link. True when written.
 */
export async function createBytes(path: string, data: Uint8Array | string): Promise<boolean> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  return createObject(isUrlPath(path) ? path : resolve(path), bytes, workdirStorage());
}

/** Paths (relative, "/"-separated, sorted) of every object below `dir`; nothing when it does not exist. */
export async function listTree(dir: string): Promise<string[]> {
  if (!isUrlPath(dir)) {
    try {
      const entries = await readdir(dir, { recursive: true, withFileTypes: true });
      return entries
        .filter((e) => e.isFile())
        .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join("/"))
        .sort();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return [];
      throw error;
    }
  }
  const root = `${dir.replace(/\/+$/, "")}/`;
  const out: string[] = [];
  for await (const info of listObjects(`${root}**`, workdirStorage())) out.push(info.url.slice(root.length));
  return out.sort();
}

/** Paths relative to `dir` matching a glob of one level per "/" (`*\/project.json`), sorted. */
export async function listGlob(dir: string, pattern: string): Promise<string[]> {
  if (isUrlPath(dir)) {
    const root = `${dir.replace(/\/+$/, "")}/`;
    const out: string[] = [];
    for await (const info of listObjects(`${root}${pattern}`, workdirStorage()))
      out.push(info.url.slice(root.length));
    return out.sort();
  }
  const matches = globMatcher(pattern);
  const out: string[] = [];
  const walk = async (rel: string, depth: number): Promise<void> => {
    const entries = await readdir(join(dir, rel), { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory() && depth > 1) await walk(path, depth - 1);
      else if (e.isFile() && depth === 1 && matches(path)) out.push(path);
    }
  };
  await walk("", pattern.split("/").length);
  return out.sort();
}

/** Names of the objects directly in `dir` (no folders). */
export async function listNames(dir: string): Promise<string[]> {
  if (isUrlPath(dir)) return listGlob(dir, "*");
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT" || error.code === "ENOTDIR") return [];
    throw error;
  });
  return entries
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort();
}

/** Deletes one object (a local file); a missing one is not an error. */
export async function removeObject(path: string): Promise<void> {
  if (isUrlPath(path)) await deleteObject(path, workdirStorage());
  else await rm(path, { force: true });
}

/** Deletes `path` and everything below it; a missing path is not an error. */
export async function removeTree(path: string): Promise<void> {
  if (!isUrlPath(path)) {
    await rm(path, { recursive: true, force: true });
    return;
  }
  const store = storeFor(path, workdirStorage());
  const del = store.delete?.bind(store);
  if (!del) throw new TypeError(`the store of ${path} cannot delete`);
  const urls = [path, ...(await listTree(path)).map((p) => joinPath(path, p))];
  // 32 at a time: a folder of scan results holds one object per source file
  for (let i = 0; i < urls.length; i += 32) await Promise.all(urls.slice(i, i + 32).map((url) => del(url)));
}

/**
 * Moves the tree at `from` to `to` (which must not exist); a missing `from` moves nothing. Local: one rename.
 * Object stores have no rename: each object is copied, then the source tree deleted, so a reader may briefly see
 * both; callers publish what points at the tree only after the move.
 */
export async function moveTree(from: string, to: string): Promise<void> {
  if (!isUrlPath(from)) {
    await mkdir(dirname(to), { recursive: true });
    await rename(from, to).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
    return;
  }
  const paths = await listTree(from);
  for (let i = 0; i < paths.length; i += 32) {
    await Promise.all(
      paths.slice(i, i + 32).map(async (p) => {
        const bytes = await readBytes(joinPath(from, p));
        if (bytes) await writeBytes(joinPath(to, p), bytes);
      }),
    );
  }
  await removeTree(from);
}
