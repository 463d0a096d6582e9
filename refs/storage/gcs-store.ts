import type { Storage } from "@google-cloud/storage";
import { parseBucketUrl } from "./bucket-url.js";
import { createGcsClient, GcsSource } from "./gcs.js";
import { gcsStatus, mapGcsError } from "./gcs-errors.js";
import { gcsGet, gcsJson, objectPath } from "./gcs-request.js";
import { globMatcher, splitGlob } from "./glob.js";
import type { GcsOptions } from "./options.js";
import type { ObjectInfo, ObjectStore, ReadOptions } from "./types.js";

interface ListPage {
  items?: { name: string; size?: string; generation?: string; updated?: string }[];
  nextPageToken?: string;
}

/** gs:// objects: ranged reads, listing by glob (the longest literal prefix is listed), uploads and deletes. */
export class GcsStore implements ObjectStore {
  readonly schemes = ["gs"] as const;
  private clientPromise: Promise<Storage> | undefined;

  constructor(private readonly options: GcsOptions = {}) {}

  client(): Promise<Storage> {
    this.clientPromise ??= createGcsClient(this.options);
    return this.clientPromise;
  }

  open(url: string): GcsSource {
    return new GcsSource(url, () => this.client());
  }

  readAll(url: string, options?: ReadOptions): Promise<Uint8Array> {
    return this.open(url).readAll(options);
  }

  /** Pages of the JSON API listing fetched with the caller's signal (the library's getFiles takes none). */
  async *list(glob: string, options?: ReadOptions): AsyncIterable<ObjectInfo> {
    const signal = options?.signal;
    const { bucket, key: pattern } = parseBucketUrl(glob, "gs");
    const prefix = splitGlob(pattern).prefix;
    const matches = globMatcher(pattern);
    const where = `gs://${bucket}/${prefix}`;
    const storage = await this.client();
    let pageToken: string | undefined;
    do {
      const query: Record<string, string> = {
        prefix,
        fields: "items(name,size,generation,updated),nextPageToken",
      };
      if (pageToken) query.pageToken = pageToken;
      if (this.options.listPageSize) query.maxResults = String(this.options.listPageSize);
      const response = await gcsGet(storage, where, objectPath(bucket), query, {}, signal, "list");
      const page = await gcsJson<ListPage>(where, response, signal, "list");
      // GCS lists names in lexical order, page after page: filtering keeps that order.
      for (const item of page.items ?? []) {
        if (!matches(item.name)) continue;
        const updated = Date.parse(item.updated ?? "");
        yield {
          url: `gs://${bucket}/${item.name}`,
          size: Number(item.size ?? 0),
          ...(item.generation ? { generation: String(item.generation) } : {}),
          ...(Number.isFinite(updated) ? { mtime: new Date(updated).toISOString() } : {}),
        };
      }
      pageToken = page.nextPageToken;
    } while (pageToken);
  }

  /** A single-request (multipart) upload: outputs are written whole. */
  async write(url: string, data: Uint8Array, options?: ReadOptions): Promise<void> {
    const { bucket, key } = parseBucketUrl(url, "gs");
    const file = (await this.client()).bucket(bucket).file(key);
    try {
      await file.save(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { resumable: false });
    } catch (error) {
      throw mapGcsError(url, error, options?.signal, "write");
    }
  }

  /** An upload with the precondition ifGenerationMatch=0 (no live object): GCS answers 412 when one exists. */
  async create(url: string, data: Uint8Array, options?: ReadOptions): Promise<boolean> {
    const { bucket, key } = parseBucketUrl(url, "gs");
    const file = (await this.client()).bucket(bucket).file(key);
    try {
      await file.save(Buffer.from(data.buffer, data.byteOffset, data.byteLength), {
        resumable: false,
        preconditionOpts: { ifGenerationMatch: 0 },
      });
      return true;
    } catch (error) {
      if (gcsStatus(error) === 412) return false;
      throw mapGcsError(url, error, options?.signal, "create");
    }
  }

  async delete(url: string, options?: ReadOptions): Promise<void> {
    const { bucket, key } = parseBucketUrl(url, "gs");
    const file = (await this.client()).bucket(bucket).file(key);
    try {
      await file.delete({ ignoreNotFound: true });
    } catch (error) {
      throw mapGcsError(url, error, options?.signal, "delete");
    }
  }
}
