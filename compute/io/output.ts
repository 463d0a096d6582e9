/**
 * Where compute writes: a folder-like store addressed by relative paths ("h0=.../t0_y0_x0.parquet").
 * LocalOutput writes to a temporary name and renames, so a killed process never leaves a half-written file under
 * a final name; objectStoreOutput puts any refs/storage ObjectStore (S3, GCS, local) behind the same interface.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { isError } from "../../refs/errors.js";
import { NotFoundError, type ObjectStore } from "../../refs/storage/index.js";

export interface OutputStore {
  /** The root, for messages and catalog links. */
  readonly root: string;
  write(path: string, data: Uint8Array): Promise<void>;
  /** The object's bytes, or undefined when it does not exist. */
  read(path: string): Promise<Uint8Array | undefined>;
  /** Relative paths of every object under `prefix` ("" for all), sorted. */
  list(prefix: string): Promise<string[]>;
  delete(path: string): Promise<void>;
  /** Remove everything under the root at once, where the backend can (else: list and delete). */
  clear?(): Promise<void>;
}

export class LocalOutput implements OutputStore {
  /** Folders made by this process: a unit writes many files into few partitions. */
  private readonly made = new Set<string>();

  constructor(readonly root: string) {}

  async write(path: string, data: Uint8Array): Promise<void> {
    const target = join(this.root, path);
    const folder = dirname(target);
    if (!this.made.has(folder)) {
      await mkdir(folder, { recursive: true });
      this.made.add(folder);
    }
    // pods of a Job on one volume all run as pid 1: the random part keeps their temporary files apart
    const tmp = `${target}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
    await writeFile(tmp, data);
    await rename(tmp, target);
  }

  async read(path: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(join(this.root, path)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const base = join(this.root, prefix);
    let entries: string[];
    try {
      entries = (await readdir(base, { recursive: true, withFileTypes: true }))
        .filter((e) => e.isFile() && !e.name.endsWith(".tmp"))
        .map((e) => relative(this.root, join(e.parentPath, e.name)).split(sep).join("/"));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw e;
    }
    return entries.sort();
  }

  async delete(path: string): Promise<void> {
    this.made.clear();
    await rm(join(this.root, path), { force: true, recursive: true });
  }

  /** Also removes temporary files a killed process left behind. */
  async clear(): Promise<void> {
    this.made.clear();
    await rm(this.root, { force: true, recursive: true });
  }
}

/** An ObjectStore of refs/storage (one that can write) as an output rooted at `rootUrl`. */
export function objectStoreOutput(store: ObjectStore, rootUrl: string): OutputStore {
  const root = rootUrl.replace(/\/+$/, "");
  const write = store.write?.bind(store);
  if (!write) throw new TypeError(`the store for ${rootUrl} cannot write`);
  return {
    root,
    write: (path, data) => write(`${root}/${path}`, data),
    async read(path) {
      const source = store.open(`${root}/${path}`);
      try {
        return await source.fetch(0, await source.size());
      } catch (e) {
        if (isError(e, NotFoundError)) return undefined;
        throw e;
      }
    },
    async list(prefix) {
      const out: string[] = [];
      for await (const info of store.list(`${root}/${prefix ? `${prefix.replace(/\/+$/, "")}/` : ""}**`)) {
        out.push(info.url.slice(root.length + 1));
      }
      return out.sort();
    },
    async delete(path) {
      await store.delete?.(`${root}/${path}`);
    },
  };
}
