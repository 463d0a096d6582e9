import type { Storage } from "@google-cloud/storage";
import { parseBucketUrl } from "./bucket-url.js";
import { RangeNotSupportedError, RangeOutsideObjectError, UnexpectedResponseError } from "./errors.js";
import { gcsGet, gcsJson, objectPath } from "./gcs-request.js";
import { readWholeBody } from "./http.js";
import { parseContentRange, readPartialResponse, statusError } from "./http-response.js";
import { checkRange } from "./memory.js";
import type { GcsOptions } from "./options.js";
import type { ByteSource, ReadOptions, SourceIdentity } from "./types.js";

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

  /** From the object's metadata (`fields=size`), fetched with the caller's signal. */
  async size(options?: ReadOptions): Promise<number> {
    if (this.knownSize !== undefined) return this.knownSize;
    return (await this.identity(options)).size;
  }

  /** One metadata request: size, generation (changes with every overwrite) and the update time. */
  async identity(options?: ReadOptions): Promise<SourceIdentity> {
    const signal = options?.signal;
    const response = await this.request({ fields: "size,generation,updated" }, {}, signal);
    const metadata = await gcsJson<{ size?: string; generation?: string; updated?: string }>(
      this.url,
      response,
      signal,
    );
    const size = Number(metadata.size);
    if (metadata.size === undefined || !Number.isSafeInteger(size) || size < 0) {
      throw new UnexpectedResponseError(
        this.url,
        response.status,
        `no object size in metadata (${metadata.size})`,
      );
    }
    this.knownSize = size;
    const updated = Date.parse(metadata.updated ?? "");
    return {
      size,
      ...(metadata.generation ? { generation: String(metadata.generation) } : {}),
      ...(Number.isFinite(updated) ? { mtime: new Date(updated).toISOString() } : {}),
    };
  }

  async fetch(offset: number, length: number, options?: ReadOptions): Promise<Uint8Array> {
    const signal = options?.signal;
    signal?.throwIfAborted();
    if (length === 0 || !Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length)) {
      checkRange(this.url, offset, length, await this.size(options));
      return new Uint8Array(0);
    }
    // identity: never let GCS transcode (decompress) a gzip-stored object, whose ranges are on stored bytes.
    const headers = { "accept-encoding": "identity", range: `bytes=${offset}-${offset + length - 1}` };
    const response = await this.request({ alt: "media" }, headers, signal);
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
    throw statusError(this.url, response.status, response.statusText, response.headers);
  }

  /** The whole object: one GET of its media URL without Range. */
  async readAll(options?: ReadOptions): Promise<Uint8Array> {
    const signal = options?.signal;
    const response = await this.request({ alt: "media" }, { "accept-encoding": "identity" }, signal);
    if (!response.ok) {
      await response.body?.cancel();
      throw statusError(this.url, response.status, response.statusText, response.headers);
    }
    return readWholeBody(this.url, response, signal);
  }

  /** One GET of the object's JSON API URL, authorized by the library, sent by fetch() with the signal. */
  private async request(
    query: Record<string, string>,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ) {
    const path = objectPath(this.bucket, this.key);
    return gcsGet(await this.client(), this.url, path, query, headers, signal);
  }
}
