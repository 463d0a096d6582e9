import type { Storage } from "@google-cloud/storage";
import { parseBucketUrl } from "./bucket-url.js";
import { RangeNotSupportedError, RangeOutsideObjectError } from "./errors.js";
import { mapGcsError } from "./gcs-errors.js";
import { authorizedMediaRequest } from "./gcs-media.js";
import { networkError, parseContentRange, readPartialResponse, statusError } from "./http-response.js";
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

/**
 * A GCS object read with ranged GETs of its JSON API media URL (authorized by the library, sent with fetch);
 * the size comes from the object's metadata.
 */
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
    let request: Awaited<ReturnType<typeof authorizedMediaRequest>>;
    try {
      request = await authorizedMediaRequest(await this.client(), this.bucket, this.key);
    } catch (error) {
      throw mapGcsError(this.url, error, signal);
    }
    // identity: never let GCS transcode (decompress) a gzip-stored object, whose ranges are on stored bytes.
    const headers = {
      ...request.headers,
      "accept-encoding": "identity",
      range: `bytes=${offset}-${offset + length - 1}`,
    };
    let response: Response;
    try {
      response = await fetch(request.url, { headers, signal });
    } catch (error) {
      throw networkError(this.url, error, signal);
    }
    if (response.status === 206) {
      const { bytes, total } = await readPartialResponse(this.url, response, offset, length, signal);
      if (total !== undefined) this.knownSize = total;
      return bytes;
    }
    await response.body?.cancel();
    if (response.status === 416) {
      const total = parseContentRange(response.headers.get("content-range"))?.total;
      throw new RangeOutsideObjectError(this.url, offset, length, total ?? (await this.size(options)));
    }
    if (response.status === 200) {
      const why = "answered 200 with the whole object (a gzip-stored object served decompressed?)";
      throw new RangeNotSupportedError(this.url, why);
    }
    throw statusError(this.url, response.status, response.statusText);
  }
}
