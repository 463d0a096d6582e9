import type { Storage } from "@google-cloud/storage";
import { type StorageOperation, UnexpectedResponseError } from "./errors.js";
import { mapGcsError } from "./gcs-errors.js";
import { networkError, statusError } from "./http-response.js";
import { raceSignal } from "./middleware/signal.js";

/**
 * A JSON API URL (`/b/{bucket}/o/{object}` for an object's metadata, with `{ alt: "media" }` its bytes;
 * `/b/{bucket}/o` for a listing) and the headers to send, authorized by the library itself: it decides the base URL (apiEndpoint, STORAGE_EMULATOR_HOST), whether
 * to authenticate (ADC, anonymous, custom endpoints) and which headers that takes. The request itself then goes
 * through fetch(), which honours an abort signal and reports a body cut short; the library's own requests take
 * no signal, and its download stream (node-fetch 2) hangs forever when a connection drops mid-body.
 */
export async function authorizedRequest(
  storage: Storage,
  path: string,
  query: Record<string, string>,
): Promise<{ url: string; headers: Record<string, string> }> {
  const uri = `${storage.baseUrl}${path}`;
  const request = { uri, method: "GET", qs: query, headers: {} };
  const authorized = await new Promise<typeof request>((resolve, reject) => {
    storage.makeAuthenticatedRequest(request, {
      onAuthenticated: (error, options) =>
        error ? reject(error) : resolve((options ?? request) as typeof request),
    });
  });
  const url = new URL(authorized.uri);
  for (const [name, value] of Object.entries(authorized.qs ?? {})) url.searchParams.set(name, String(value));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(authorized.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = String(value);
  }
  return { url: url.href, headers };
}

/** `/b/{bucket}/o/{key}`, or `/b/{bucket}/o` without a key. */
export function objectPath(bucket: string, key?: string): string {
  const objects = `/b/${encodeURIComponent(bucket)}/o`;
  return key === undefined ? objects : `${objects}/${encodeURIComponent(key)}`;
}

/**
 * A GET of the JSON API through fetch() with the caller's signal: authorizing may fetch a token, which the
 * library cannot abort, so the wait for it is raced with the signal. Failures to authorize or connect are
 * mapped onto the storage errors for `url`; the caller's abort passes through.
 */
export async function gcsGet(
  storage: Storage,
  url: string,
  path: string,
  query: Record<string, string>,
  headers: Record<string, string>,
  signal?: AbortSignal,
  operation: StorageOperation = "read",
): Promise<Response> {
  signal?.throwIfAborted();
  let request: Awaited<ReturnType<typeof authorizedRequest>>;
  try {
    request = await raceSignal(authorizedRequest(storage, path, query), signal);
  } catch (error) {
    throw mapGcsError(url, error, signal, operation);
  }
  try {
    return await fetch(request.url, { headers: { ...request.headers, ...headers }, signal });
  } catch (error) {
    throw networkError(url, error, signal, operation);
  }
}

/** The JSON body of a successful answer; a non-success status becomes the matching storage error. */
export async function gcsJson<T>(
  url: string,
  response: Response,
  signal?: AbortSignal,
  operation: StorageOperation = "read",
): Promise<T> {
  if (!response.ok) {
    await response.body?.cancel();
    throw statusError(url, response.status, response.statusText, response.headers, operation);
  }
  try {
    return (await response.json()) as T;
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw networkError(url, error, signal, operation); // body cut, or aborted
    throw new UnexpectedResponseError(url, response.status, "the JSON API answered with no JSON", {
      cause: error,
    });
  }
}
