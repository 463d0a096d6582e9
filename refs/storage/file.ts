import { open, stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { AccessDeniedError, NotFoundError, TruncatedResponseError } from "./errors.js";
import { checkRange } from "./memory.js";
import type { ByteSource, ReadOptions, SourceIdentity } from "./types.js";

/** Local path of a `file://` URL or a plain path. */
export function localPath(url: string): string {
  return url.startsWith("file://") ? fileURLToPath(url) : url;
}

export function mapFsError(url: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT" || code === "ENOTDIR") return new NotFoundError(url, { cause: error });
  if (code === "EACCES" || code === "EPERM") return new AccessDeniedError(url, code, { cause: error });
  return error;
}

/** A local file, read with positioned reads (no whole-file loads). */
export class FileSource implements ByteSource {
  private cachedSize: number | undefined;

  constructor(readonly url: string) {}

  async size(): Promise<number> {
    if (this.cachedSize === undefined) {
      try {
        this.cachedSize = (await stat(localPath(this.url))).size;
      } catch (error) {
        throw mapFsError(this.url, error);
      }
    }
    return this.cachedSize;
  }

  /** Size and modification time from a fresh stat (the cached size is refreshed with it). */
  async identity(): Promise<SourceIdentity> {
    try {
      const info = await stat(localPath(this.url));
      this.cachedSize = info.size;
      return { size: info.size, mtime: new Date(info.mtimeMs).toISOString() };
    } catch (error) {
      throw mapFsError(this.url, error);
    }
  }

  async fetch(offset: number, length: number, options?: ReadOptions): Promise<Uint8Array> {
    options?.signal?.throwIfAborted();
    checkRange(this.url, offset, length, await this.size());
    if (length === 0) return new Uint8Array(0);
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(localPath(this.url), "r");
    } catch (error) {
      throw mapFsError(this.url, error);
    }
    try {
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(out, done, length - done, offset + done);
        if (bytesRead === 0) throw new TruncatedResponseError(this.url, length, done);
        done += bytesRead;
      }
      return out;
    } finally {
      await handle.close();
    }
  }
}
