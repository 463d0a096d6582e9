import type { GetObjectCommandOutput, S3Client } from "@aws-sdk/client-s3";
import { parseBucketUrl } from "./bucket-url.js";
import { RangeOutsideObjectError, TruncatedResponseError } from "./errors.js";
import { parseContentRange } from "./http-response.js";
import { checkRange } from "./memory.js";
import type { S3Options } from "./options.js";
import { isInvalidRange, mapS3Error } from "./s3-errors.js";
import type { ByteSource, ReadOptions, SourceIdentity } from "./types.js";

/** Creates S3 clients lazily: loading the SDK costs time that file-only runs should not pay. */
export async function createS3Client(options: S3Options): Promise<S3Client> {
  const { S3Client } = await import("@aws-sdk/client-s3");
  const config = {
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle,
    maxAttempts: options.sdkMaxAttempts ?? 1,
    followRegionRedirects: true,
    // S3-compatible stores often lack the newer default checksums.
    requestChecksumCalculation: "WHEN_REQUIRED" as const,
    responseChecksumValidation: "WHEN_REQUIRED" as const,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.anonymous
      ? {
          // Unsigned requests for public buckets: a signer that leaves the request as it is, and no lookup of keys.
          signer: { sign: async <T>(request: T) => request },
          credentials: { accessKeyId: "", secretAccessKey: "" },
        }
      : {}),
  };
  if (options.region) return new S3Client({ ...config, region: options.region });
  const client = new S3Client(config);
  try {
    await client.config.region();
    return client;
  } catch {
    // No region in the SDK's chain (env, profile): us-east-1, then region redirects find the bucket's own.
    client.destroy();
    return new S3Client({ ...config, region: "us-east-1" });
  }
}

/** An S3 object read with ranged GetObject calls; the size comes from HeadObject or a Content-Range. */
export class S3Source implements ByteSource {
  private knownSize: number | undefined;
  private readonly bucket: string;
  private readonly key: string;

  constructor(
    readonly url: string,
    private readonly client: () => Promise<S3Client>,
  ) {
    ({ bucket: this.bucket, key: this.key } = parseBucketUrl(url, "s3"));
  }

  async size(options?: ReadOptions): Promise<number> {
    if (this.knownSize !== undefined) return this.knownSize;
    return (await this.identity(options)).size;
  }

  /** One HeadObject: size, ETag and Last-Modified. */
  async identity(options?: ReadOptions): Promise<SourceIdentity> {
    const { HeadObjectCommand } = await import("@aws-sdk/client-s3");
    const client = await this.client();
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key }), {
        abortSignal: options?.signal,
      });
      this.knownSize = Number(head.ContentLength ?? 0);
      return {
        size: this.knownSize,
        ...(head.ETag ? { etag: head.ETag } : {}),
        ...(head.LastModified ? { mtime: head.LastModified.toISOString() } : {}),
      };
    } catch (error) {
      throw mapS3Error(this.url, error, options?.signal);
    }
  }

  async fetch(offset: number, length: number, options?: ReadOptions): Promise<Uint8Array> {
    const signal = options?.signal;
    signal?.throwIfAborted();
    if (length === 0 || !Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length)) {
      checkRange(this.url, offset, length, await this.size(options));
      return new Uint8Array(0);
    }
    const { GetObjectCommand } = await import("@aws-sdk/client-s3");
    const client = await this.client();
    const range = `bytes=${offset}-${offset + length - 1}`;
    let response: GetObjectCommandOutput;
    try {
      response = await client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.key, Range: range }),
        {
          abortSignal: signal,
        },
      );
    } catch (error) {
      if (isInvalidRange(error)) {
        throw new RangeOutsideObjectError(this.url, offset, length, await this.size(options), {
          cause: error,
        });
      }
      throw mapS3Error(this.url, error, signal);
    }
    const total = parseContentRange(response.ContentRange ?? null)?.total;
    if (total !== undefined) this.knownSize = total;
    if (total !== undefined && offset + length > total) {
      destroyBody(response.Body);
      throw new RangeOutsideObjectError(this.url, offset, length, total);
    }
    return readBody(this.url, response.Body, length, signal);
  }
}

/** The whole object: one GetObject without Range. */
export async function readWholeS3Object(
  source: S3Source,
  client: S3Client,
  options?: ReadOptions,
): Promise<Uint8Array> {
  const { GetObjectCommand } = await import("@aws-sdk/client-s3");
  const { bucket, key } = parseBucketUrl(source.url, "s3");
  let response: GetObjectCommandOutput;
  try {
    response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), {
      abortSignal: options?.signal,
    });
  } catch (error) {
    throw mapS3Error(source.url, error, options?.signal);
  }
  return readBody(source.url, response.Body, Number(response.ContentLength ?? 0), options?.signal);
}

/** Reads exactly `length` bytes of an SDK body stream; fewer (or a failing stream) is a TruncatedResponseError. */
async function readBody(
  url: string,
  body: unknown,
  length: number,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let received = 0;
  try {
    for await (const chunk of body as AsyncIterable<Uint8Array>) {
      if (received + chunk.length > length) {
        throw new TruncatedResponseError(url, length, received + chunk.length);
      }
      out.set(chunk, received);
      received += chunk.length;
    }
  } catch (error) {
    if (signal?.aborted) throw signal.reason ?? error;
    if (error instanceof TruncatedResponseError) throw error;
    throw new TruncatedResponseError(url, length, received, { cause: error });
  }
  if (received !== length) throw new TruncatedResponseError(url, length, received);
  return out;
}

function destroyBody(body: unknown): void {
  (body as { destroy?: () => void } | undefined)?.destroy?.();
}
