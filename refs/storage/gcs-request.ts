import type { Storage } from "@google-cloud/storage";

/**
 * The JSON API media URL of an object and the headers to send, authorized by the library itself: it decides
 * the base URL (apiEndpoint, STORAGE_EMULATOR_HOST), whether to authenticate (ADC, anonymous, custom endpoints)
 * and which headers that takes. Reads then go through fetch(), which reports a body cut short; the library's
 * download stream (node-fetch 2) hangs forever when a connection drops mid-body.
 */
export async function authorizedMediaRequest(
  storage: Storage,
  bucket: string,
  key: string,
): Promise<{ url: string; headers: Record<string, string> }> {
  const uri = `${storage.baseUrl}/b/${encodeURIComponent(bucket)}/o/${encodeURIComponent(key)}`;
  const request = { uri, method: "GET", qs: { alt: "media" }, headers: {} };
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
