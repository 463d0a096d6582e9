import { randomBytes } from "node:crypto";
import { link, mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { FileSource, localPath, mapFsError } from "./file.js";
import { folderOf, globMatcher, lexical, splitGlob } from "./glob.js";
import type { ObjectInfo, ObjectStore, ReadOptions } from "./types.js";

/** Local files, as `file://` URLs or plain paths; listed URLs keep the form the glob was written in. */
export class FileStore implements ObjectStore {
  readonly schemes = ["file"] as const;

  open(url: string): FileSource {
    return new FileSource(url);
  }

  async readAll(url: string, options?: ReadOptions): Promise<Uint8Array> {
    try {
      return new Uint8Array(await readFile(localPath(url), { signal: options?.signal }));
    } catch (error) {
      if (options?.signal?.aborted) throw options.signal.reason ?? error;
      throw mapFsError(url, error);
    }
  }

  async *list(glob: string, options?: ReadOptions): AsyncIterable<ObjectInfo> {
    const isUrl = glob.startsWith("file://");
    // Match on plain paths; turn results back into URLs when the glob was one.
    const pattern = isUrl ? decodeURIComponent(glob.slice("file://".length)) : glob;
    const { prefix, isGlob } = splitGlob(pattern);
    const toUrl = (path: string) => (isUrl ? pathToFileURL(path).href : path);
    if (!isGlob) {
      const info = await stat(pattern).catch(() => undefined);
      if (info?.isFile()) yield { url: toUrl(pattern), size: info.size, mtime: isoTime(info.mtimeMs) };
      return;
    }
    const folder = folderOf(prefix);
    const matches = globMatcher(pattern);
    const found: ObjectInfo[] = [];
    for (const path of await walk(folder === "" ? "." : folder, options?.signal)) {
      const key = folder === "" ? path.replace(/^\.\//, "") : path;
      if (!matches(key)) continue;
      const info = await stat(key);
      found.push({ url: toUrl(key), size: info.size, mtime: isoTime(info.mtimeMs) });
    }
    found.sort((a, b) => lexical(a.url, b.url));
    yield* found;
  }

  /** Writes via a temporary file and a rename, so readers never see half an object. */
  async write(url: string, data: Uint8Array): Promise<void> {
    const path = localPath(url);
    await mkdir(dirname(path), { recursive: true });
    const temporary = temporaryName(path);
    await writeFile(temporary, data);
    await rename(temporary, path);
  }

  /**
   * Written whole to a temporary file, then hard-linked to its name: link() fails when the name exists, so of
   * racing writers exactly one wins and nobody sees half an object.
   */
  async create(url: string, data: Uint8Array): Promise<boolean> {
    const path = localPath(url);
    await mkdir(dirname(path), { recursive: true });
    const temporary = temporaryName(path);
    await writeFile(temporary, data);
    try {
      await link(temporary, path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw error;
    } finally {
      await unlink(temporary).catch(() => undefined);
    }
  }

  /** Deleting a missing file is not an error (as in S3 and for idempotent reruns). */
  async delete(url: string): Promise<void> {
    await rm(localPath(url), { force: true });
  }
}

/** A name no other writer uses, in this process or another (racing writers within a millisecond included). */
function temporaryName(path: string): string {
  return `${path}.${process.pid}.${randomBytes(6).toString("hex")}.partial`;
}

function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** Every file below `folder` (paths joined onto it); a missing folder lists nothing. */
async function walk(folder: string, signal?: AbortSignal): Promise<string[]> {
  signal?.throwIfAborted();
  let entries: import("node:fs").Dirent[];
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return [];
    throw error;
  }
  const out: string[] = [];
  for (const entry of entries) {
    const path = folder.endsWith("/") ? folder + entry.name : join(folder, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(`${path}/`, signal)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}
