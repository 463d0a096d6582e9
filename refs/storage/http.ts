import {
  RangeNotSupportedError,
  RangeOutsideObjectError,
  TruncatedResponseError,
  UnexpectedResponseError,
} from "./errors.js";
import {
  BodyEndedEarly,
  networkError,
  parseContentRange,
  readBodyRange,
  readPartialResponse,
  statusError,
} from "./http-response.js";
import { checkRange } from "./memory.js";
import type { HttpOptions } from "./options.js";
import type { ByteSource, ReadOptions, SourceIdentity } from "./types.js";

const DEFAULT_MAX_IGNORED_RANGE = 16 * 1024 * 1024;

/**
 * An object behind http:// or https://, read with Range requests. The size comes from HEAD, or from the
 * Content-Range of a one-byte GET when HEAD is refused, or from any earlier ranged answer.
 */
export class HttpSource implements ByteSource {
  private knownSize: number | undefined;

  constructor(
    readonly url: string,
    private readonly options: HttpOptions = {},
  ) {}

  async size(options?: ReadOptions): Promise<number> {
    if (this.knownSize !== undefined) return this.knownSize;
    const head = await this.request("HEAD", undefined, options?.signal);
    const length = head.headers.get("content-length");
    if (head.ok && length !== null && !encoded(head.headers)) {
      this.knownSize = Number(length);
      return this.knownSize;
    }
    if (!head.ok && head.status !== 405 && head.status !== 501 && head.status !== 403) {
      throw statusError(this.url, head.status, head.statusText, head.headers);
    }
    return this.sizeFromRangedGet(options?.signal);
  }

  /** One HEAD: size, ETag and Last-Modified; where HEAD gives no size, the size alone (as size() finds it). */
  async identity(options?: ReadOptions): Promise<SourceIdentity> {
    const head = await this.request("HEAD", undefined, options?.signal);
    const length = head.headers.get("content-length");
    if (head.ok && length !== null && !encoded(head.headers)) {
      this.knownSize = Number(length);
      const etag = head.headers.get("etag");
      const modified = Date.parse(head.headers.get("last-modified") ?? "");
      return {
        size: this.knownSize,
        ...(etag ? { etag } : {}),
        ...(Number.isFinite(modified) ? { mtime: new Date(modified).toISOString() } : {}),
      };
    }
    if (!head.ok && head.status !== 405 && head.status !== 501 && head.status !== 403) {
      throw statusError(this.url, head.status, head.statusText, head.headers);
    }
    return { size: await this.sizeFromRangedGet(options?.signal) };
  }

  async fetch(offset: number, length: number, options?: ReadOptions): Promise<Uint8Array> {
    const signal = options?.signal;
    signal?.throwIfAborted();
    if (length === 0 || !Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length)) {
      checkRange(this.url, offset, length, await this.size(options));
      return new Uint8Array(0);
    }
    const response = await this.request("GET", `bytes=${offset}-${offset + length - 1}`, signal);
    if (response.status === 206) return this.readPartial(response, offset, length, signal);
    if (response.status === 416) {
      await response.body?.cancel();
      const total = parseContentRange(response.headers.get("content-range"))?.total;
      throw new RangeOutsideObjectError(this.url, offset, length, total ?? (await this.size(options)));
    }
    if (response.status === 200) return this.readIgnoredRange(response, offset, length, signal);
    await response.body?.cancel();
    throw statusError(this.url, response.status, response.statusText, response.headers);
  }

  /** The whole object: one GET without Range. */
  async readAll(options?: ReadOptions): Promise<Uint8Array> {
    const signal = options?.signal;
    const response = await this.request("GET", undefined, signal);
    if (!response.ok) {
      await response.body?.cancel();
      throw statusError(this.url, response.status, response.statusText, response.headers);
    }
    return readWholeBody(this.url, response, signal);
  }

  private async request(method: string, range: string | undefined, signal?: AbortSignal): Promise<Response> {
    // identity: byte offsets must refer to the stored bytes, not to a compressed transfer.
    const headers: Record<string, string> = { "accept-encoding": "identity", ...this.options.headers };
    if (range) headers.range = range;
    try {
      return await fetch(this.url, { method, headers, signal, redirect: "follow" });
    } catch (error) {
      throw networkError(this.url, error, signal);
    }
  }

  private async sizeFromRangedGet(signal?: AbortSignal): Promise<number> {
    const response = await this.request("GET", "bytes=0-0", signal);
    await response.body?.cancel();
    const range = parseContentRange(response.headers.get("content-range"));
    const length = response.headers.get("content-length");
    if ((response.status === 206 || response.status === 416) && range?.total !== undefined) {
      this.knownSize = range.total;
    } else if (response.status === 200 && length !== null && !encoded(response.headers)) {
      this.knownSize = Number(length);
    } else if (!response.ok && response.status !== 416) {
      throw statusError(this.url, response.status, response.statusText, response.headers);
    } else {
      throw new UnexpectedResponseError(this.url, response.status, "no object size in HEAD or ranged GET");
    }
    return this.knownSize;
  }

  private async readPartial(response: Response, offset: number, length: number, signal?: AbortSignal) {
    const { bytes, total } = await readPartialResponse(this.url, response, offset, length, signal);
    if (total !== undefined) this.knownSize = total;
    return bytes;
  }

  /** A 200 to a ranged GET: the whole object follows. Read up to the wanted end only when that is cheap and exact. */
  private async readIgnoredRange(response: Response, offset: number, length: number, signal?: AbortSignal) {
    const limit = this.options.maxIgnoredRangeBytes ?? DEFAULT_MAX_IGNORED_RANGE;
    const declared = response.headers.get("content-length");
    if (declared !== null && !encoded(response.headers)) this.knownSize = Number(declared);
    if (encoded(response.headers) || offset + length > limit) {
      await response.body?.cancel();
      const why = encoded(response.headers)
        ? `answered 200 with Content-Encoding ${response.headers.get("content-encoding")}`
        : `answered 200 with the whole object; bytes up to ${offset + length} exceed the ${limit}-byte limit`;
      throw new RangeNotSupportedError(this.url, why);
    }
    if (this.knownSize !== undefined && offset + length > this.knownSize) {
      await response.body?.cancel();
      throw new RangeOutsideObjectError(this.url, offset, length, this.knownSize);
    }
    try {
      return await readBodyRange(this.url, response.body, offset, length, signal);
    } catch (error) {
      // Without Content-Length, a body that ends cleanly early means the object is smaller than the range.
      if (error instanceof BodyEndedEarly && declared === null) {
        throw new RangeOutsideObjectError(this.url, offset, length, error.bodyLength);
      }
      throw error;
    }
  }
}

/**
 * A whole 200 body: exactly Content-Length bytes when the server declared them (fewer is a
 * TruncatedResponseError), else everything until the body ends.
 */
export async function readWholeBody(
  url: string,
  response: Response,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const declared = response.headers.get("content-length");
  if (declared !== null && !encoded(response.headers)) {
    return readBodyRange(url, response.body, 0, Number(declared), signal);
  }
  try {
    return new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    if (signal?.aborted) throw signal.reason ?? error;
    throw new TruncatedResponseError(url, -1, 0, { cause: error });
  }
}

function encoded(headers: Headers): boolean {
  const encoding = headers.get("content-encoding");
  return encoding !== null && encoding.toLowerCase() !== "identity";
}
