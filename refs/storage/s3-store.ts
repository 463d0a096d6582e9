import type { ListObjectsV2CommandOutput, S3Client } from "@aws-sdk/client-s3";
import { parseBucketUrl } from "./bucket-url.js";
import { globMatcher, splitGlob } from "./glob.js";
import type { S3Options } from "./options.js";
import { createS3Client, readWholeS3Object, S3Source } from "./s3.js";
import { mapS3Error, s3Status } from "./s3-errors.js";
import type { ObjectInfo, ObjectStore, ReadOptions } from "./types.js";

/** s3:// objects: ranged reads, listing by glob (the longest literal prefix is listed), writes and deletes. */
export class S3Store implements ObjectStore {
  readonly schemes = ["s3"] as const;
  private clientPromise: Promise<S3Client> | undefined;

  constructor(private readonly options: S3Options = {}) {}

  /** The SDK client, created on first use and shared by every source of this store. */
  client(): Promise<S3Client> {
    this.clientPromise ??= createS3Client(this.options);
    return this.clientPromise;
  }

  open(url: string): S3Source {
    return new S3Source(url, () => this.client());
  }

  async readAll(url: string, options?: ReadOptions): Promise<Uint8Array> {
    return readWholeS3Object(this.open(url), await this.client(), options);
  }

  async *list(glob: string, options?: ReadOptions): AsyncIterable<ObjectInfo> {
    const { bucket, key: pattern } = parseBucketUrl(glob, "s3");
    const { ListObjectsV2Command } = await import("@aws-sdk/client-s3");
    const client = await this.client();
    const matches = globMatcher(pattern);
    let token: string | undefined;
    do {
      let page: ListObjectsV2CommandOutput;
      try {
        page = await client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: splitGlob(pattern).prefix,
            ContinuationToken: token,
          }),
          { abortSignal: options?.signal },
        );
      } catch (error) {
        throw mapS3Error(`s3://${bucket}/${splitGlob(pattern).prefix}`, error, options?.signal, "list");
      }
      // S3 lists keys in UTF-8 binary order, page after page: filtering keeps that order.
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined && matches(object.Key)) {
          yield {
            url: `s3://${bucket}/${object.Key}`,
            size: Number(object.Size ?? 0),
            ...(object.ETag ? { etag: object.ETag } : {}),
            ...(object.LastModified ? { mtime: object.LastModified.toISOString() } : {}),
          };
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async write(url: string, data: Uint8Array, options?: ReadOptions): Promise<void> {
    const { bucket, key } = parseBucketUrl(url, "s3");
    const { PutObjectCommand } = await import("@aws-sdk/client-s3");
    const client = await this.client();
    try {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: data }), {
        abortSignal: options?.signal,
      });
    } catch (error) {
      throw mapS3Error(url, error, options?.signal, "write");
    }
  }

  /**
   * PutObject with `If-None-Match: *`: S3 (since August 2024) answers 412 when the key exists, so of racing
   * writers one wins. Stores that ignore the header (s3rver, older S3-compatible servers) overwrite instead.
   */
  async create(url: string, data: Uint8Array, options?: ReadOptions): Promise<boolean> {
    const { bucket, key } = parseBucketUrl(url, "s3");
    const { PutObjectCommand } = await import("@aws-sdk/client-s3");
    const client = await this.client();
    try {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: data, IfNoneMatch: "*" }), {
        abortSignal: options?.signal,
      });
      return true;
    } catch (error) {
      if (s3Status(error) === 412) return false;
      throw mapS3Error(url, error, options?.signal, "create");
    }
  }

  /** S3 deletes are idempotent: a missing key is not an error. */
  async delete(url: string, options?: ReadOptions): Promise<void> {
    const { bucket, key } = parseBucketUrl(url, "s3");
    const { DeleteObjectCommand } = await import("@aws-sdk/client-s3");
    const client = await this.client();
    try {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }), {
        abortSignal: options?.signal,
      });
    } catch (error) {
      throw mapS3Error(url, error, options?.signal, "delete");
    }
  }
}
