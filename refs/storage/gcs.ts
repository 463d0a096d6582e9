import type { Storage } from "@google-cloud/storage";
import { parseBucketUrl } from "./bucket-url.js";
import { RangeOutsideObjectError, TruncatedResponseError } from "./errors.js";
import { gcsStatus, mapGcsError } from "./gcs-errors.js";
import { checkRange } from "./memory.js";
import type { GcsOptions } from "./options.js";
import type { ByteSource, ReadOptions } from "./types.js";

/**
 * Creates the GCS client lazily (the library is slow to load). Credentials: application default credentials,
 * or none when `anonymous` (public objects). With apiEndpoint or STORAGE_EMULATOR_HOST the library itself skips
 * authentication. The library's own retries are off: the retry middleware retries.
 */
export async function createGcsClient(options: GcsOptions): Promise<Storage> {
  const { Storage } = await import("@google-cloud/storage");
  const anonymous = options.anonymous
    ? { authClient: new (await import("google-auth-library")).PassThroughClient() }
    : {};
  return new Storage({
    ...(options.apiEndpoint ? { apiEndpoint: options.apiEndpoint } : {}),
    ...(options.projectId ? { projectId: options.projectId } : {}),
    ...(options.authWithCustomEndpoint ? { useAuthWithCustomEndpoint: true } : {}),
    retryOptions: { autoRetry: false, maxRetries: 0 },
    ...anonymous,
  });
}

/** A GCS object read with ranged media downloads; the size comes from the object's metadata. */
export class GcsSource implements ByteSource {
  private knownSize: number | undefined;
  private readonly bucket: string;
  private readonly key: string;

  constructor(
    readonly url: string,
    private readonly client: () => Promise<Storage>,
  ) {
    ({ bucket: this.bucket, key: this.key } = parseBucketUrl(url, "gs"));
  }

  async size(options?: ReadOptions): Promise<number> {
    if (this.knownSize !== undefined) return this.knownSize;
    const file = (await this.client()).bucket(this.bucket).file(this.key);
    try {
      const [metadata] = await file.getMetadata();
      this.knownSize = Number(metadata.size ?? 0);
      return this.knownSize;
    } catch (error) {
      throw mapGcsError(this.url, error, options?.signal);
    }
  }

  async fetch(offset: number, length: number, options?: ReadOptions): Promise<Uint8Array> {
    const signal = options?.signal;
    signal?.throwIfAborted();
    if (length === 0 || !Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length)) {
      checkRange(this.url, offset, length, await this.size(options));
      return new Uint8Array(0);
    }
    const file = (await this.client()).bucket(this.bucket).file(this.key);
    // Raw stored bytes, no checksum (ranged reads cannot be validated).
    const stream = file.createReadStream({
      start: offset,
      end: offset + length - 1,
      decompress: false,
      validation: false,
    });
    const abort = () => stream.destroy(signal?.reason);
    signal?.addEventListener("abort", abort, { once: true });
    const out = new Uint8Array(length);
    let received = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Uint8Array>) {
        if (received + chunk.length > length)
          throw new TruncatedResponseError(this.url, length, received + chunk.length);
        out.set(chunk, received);
        received += chunk.length;
      }
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      if (error instanceof TruncatedResponseError) throw error;
      if (gcsStatus(error) === 416) {
        throw new RangeOutsideObjectError(this.url, offset, length, await this.size(options), {
          cause: error,
        });
      }
      if (gcsStatus(error) !== undefined || received === 0) throw mapGcsError(this.url, error, signal);
      throw new TruncatedResponseError(this.url, length, received, { cause: error });
    } finally {
      signal?.removeEventListener("abort", abort);
    }
    if (received < length) {
      // A ranged answer shorter than asked: the object ends inside the range, or the body was cut.
      const size = await this.size(options);
      if (offset + length > size) throw new RangeOutsideObjectError(this.url, offset, length, size);
      throw new TruncatedResponseError(this.url, length, received);
    }
    return out;
  }
}
