import type { GetFilesResponse, Storage } from "@google-cloud/storage";
import { parseBucketUrl } from "./bucket-url.js";
import { createGcsClient, GcsSource } from "./gcs.js";
import { mapGcsError } from "./gcs-errors.js";
import { globMatcher, splitGlob } from "./glob.js";
import type { GcsOptions } from "./options.js";
import type { ObjectInfo, ObjectStore, ReadOptions } from "./types.js";

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

  async *list(glob: string, options?: ReadOptions): AsyncIterable<ObjectInfo> {
    const { bucket: name, key: pattern } = parseBucketUrl(glob, "gs");
    const bucket = (await this.client()).bucket(name);
    const prefix = splitGlob(pattern).prefix;
    const matches = globMatcher(pattern);
    let pageToken: string | undefined;
    do {
      options?.signal?.throwIfAborted();
      let files: GetFilesResponse[0];
      let next: GetFilesResponse[1] | null;
      try {
        [files, next] = await bucket.getFiles({
          prefix,
          autoPaginate: false,
          pageToken,
          maxResults: this.options.listPageSize,
        });
      } catch (error) {
        throw mapGcsError(`gs://${name}/${prefix}`, error, options?.signal);
      }
      // GCS lists names in lexical order, page after page: filtering keeps that order.
      for (const file of files) {
        if (matches(file.name))
          yield { url: `gs://${name}/${file.name}`, size: Number(file.metadata.size ?? 0) };
      }
      pageToken = next?.pageToken;
    } while (pageToken);
  }

  /** A single-request (multipart) upload: outputs are written whole. */
  async write(url: string, data: Uint8Array, options?: ReadOptions): Promise<void> {
    const { bucket, key } = parseBucketUrl(url, "gs");
    const file = (await this.client()).bucket(bucket).file(key);
    try {
      await file.save(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { resumable: false });
    } catch (error) {
      throw mapGcsError(url, error, options?.signal);
    }
  }

  async delete(url: string, options?: ReadOptions): Promise<void> {
    const { bucket, key } = parseBucketUrl(url, "gs");
    const file = (await this.client()).bucket(bucket).file(key);
    try {
      await file.delete({ ignoreNotFound: true });
    } catch (error) {
      throw mapGcsError(url, error, options?.signal);
    }
  }
}
