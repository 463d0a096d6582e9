/**
 * A TEST DOUBLE of the Google Cloud Storage JSON API, written here because no GCS emulator installs on this
 * machine. It implements only what @google-cloud/storage uses for our store, on 127.0.0.1:
 *   GET    /storage/v1/b/:bucket/o/:object            object metadata (size, md5Hash, crc32c, generation)
 *   GET    /storage/v1/b/:bucket/o/:object?alt=media  download, with single Range requests (206/416)
 *   GET    /storage/v1/b/:bucket/o?prefix&pageToken&maxResults   listing in lexical order, paged
 *   POST   /upload/storage/v1/b/:bucket/o?uploadType=media|multipart&name=   simple and multipart uploads
 *   DELETE /storage/v1/b/:bucket/o/:object
 *   POST   /token    an OAuth2 token endpoint (always grants "fake-token"), for ADC tests
 * The `/storage/v1` part is optional (STORAGE_EMULATOR_HOST makes the library omit it). No auth, no ACLs,
 * no resumable uploads (answered 501), no generations beyond a counter; uploads honour ifGenerationMatch (412).
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

interface StoredObject {
  bytes: Uint8Array;
  contentType: string;
  generation: number;
  updated: string;
}

export interface FakeGcsServer {
  /** `http://127.0.0.1:port`: pass as apiEndpoint. */
  origin: string;
  /** bucket -> object name -> object */
  buckets: Map<string, Map<string, StoredObject>>;
  put(bucket: string, name: string, bytes: Uint8Array): void;
  /** Return true when the request was answered here (fault injection). */
  intercept?: (req: IncomingMessage, res: ServerResponse) => boolean;
  log: string[];
  close(): Promise<void>;
}

export async function startFakeGcsServer(bucketNames: string[] = []): Promise<FakeGcsServer> {
  const buckets = new Map<string, Map<string, StoredObject>>(bucketNames.map((b) => [b, new Map()]));
  let generation = 1;
  const put = (bucket: string, name: string, bytes: Uint8Array, contentType = "application/octet-stream") => {
    if (!buckets.has(bucket)) buckets.set(bucket, new Map());
    const updated = new Date().toISOString();
    buckets.get(bucket)?.set(name, { bytes: bytes.slice(), contentType, generation: generation++, updated });
  };
  const state: FakeGcsServer = {
    origin: "",
    buckets,
    put,
    log: [],
    close: async () => {},
  };
  const server = createServer((req, res) => {
    state.log.push(`${req.method} ${req.url} ${req.headers.range ?? ""}`.trim());
    if (state.intercept?.(req, res)) return;
    route(req, res, buckets, put).catch((error: unknown) => sendError(res, 500, String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

type Put = (bucket: string, name: string, bytes: Uint8Array, contentType?: string) => void;

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  buckets: Map<string, Map<string, StoredObject>>,
  put: Put,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://x");
  if (url.pathname === "/token" && req.method === "POST") {
    await readAll(req);
    const granted = { access_token: "fake-token", expires_in: 3600, token_type: "Bearer" };
    return sendJson(res, 200, {
      ...granted,
      issued_token_type: "urn:ietf:params:oauth:token-type:access_token",
    });
  }
  const upload = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
  if (upload && req.method === "POST")
    return receiveUpload(req, res, decodeURIComponent(upload[1]!), url, put, buckets);
  const path = url.pathname.replace(/^\/storage\/v1(?=\/b\/)/, "");
  const match = /^\/b\/([^/]+)\/o(?:\/(.+))?$/.exec(path);
  if (!match) return sendError(res, 404, `no route for ${req.method} ${url.pathname}`);
  const bucketName = decodeURIComponent(match[1]!);
  const bucket = buckets.get(bucketName);
  if (!bucket) return sendError(res, 404, `The specified bucket does not exist: ${bucketName}`);
  if (match[2] === undefined) {
    if (req.method === "GET") return sendJson(res, 200, listPage(bucketName, bucket, url.searchParams));
    return sendError(res, 405, `${req.method} not allowed on a bucket's objects`);
  }
  const name = decodeURIComponent(match[2]);
  const object = bucket.get(name);
  if (!object) return sendError(res, 404, `No such object: ${bucketName}/${name}`);
  if (req.method === "DELETE") {
    bucket.delete(name);
    return void res.writeHead(204).end();
  }
  if (req.method !== "GET") return sendError(res, 405, `${req.method} not supported on objects`);
  if (url.searchParams.get("alt") === "media") return sendMedia(req, res, object);
  sendJson(res, 200, resource(bucketName, name, object));
}

function resource(bucket: string, name: string, object: StoredObject) {
  return {
    kind: "storage#object",
    id: `${bucket}/${name}/${object.generation}`,
    name,
    bucket,
    generation: String(object.generation),
    metageneration: "1",
    contentType: object.contentType,
    size: String(object.bytes.length),
    md5Hash: createHash("md5").update(object.bytes).digest("base64"),
    crc32c: crc32cBase64(object.bytes),
    timeCreated: object.updated,
    updated: object.updated,
    storageClass: "STANDARD",
  };
}

function listPage(bucketName: string, bucket: Map<string, StoredObject>, query: URLSearchParams) {
  const prefix = query.get("prefix") ?? "";
  const after = query.get("pageToken") ?? "";
  const max = Math.min(Number(query.get("maxResults") ?? 1000) || 1000, 1000);
  const names = [...bucket.keys()]
    .filter((n) => n.startsWith(prefix) && n > after)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const page = names.slice(0, max);
  const items = page.map((n) => resource(bucketName, n, bucket.get(n)!));
  // The page token is the last name returned: opaque to the client, as in GCS.
  const more = names.length > max ? { nextPageToken: page[page.length - 1] } : {};
  return { kind: "storage#objects", items, ...more };
}

function sendMedia(req: IncomingMessage, res: ServerResponse, object: StoredObject): void {
  const size = object.bytes.length;
  const headers = {
    "content-type": object.contentType,
    "x-goog-generation": String(object.generation),
    "x-goog-stored-content-encoding": "identity",
    "x-goog-hash": `crc32c=${crc32cBase64(object.bytes)},md5=${createHash("md5").update(object.bytes).digest("base64")}`,
  };
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
  if (!range) {
    res.writeHead(200, { ...headers, "content-length": size });
    return void res.end(object.bytes);
  }
  const start = Number(range[1]);
  const end = range[2] === "" ? size - 1 : Math.min(Number(range[2]), size - 1);
  if (start >= size || end < start) {
    res.writeHead(416, { "content-range": `bytes */${size}`, "content-type": "application/json" });
    return void res.end(JSON.stringify({ error: { code: 416, message: "Requested range not satisfiable" } }));
  }
  res.writeHead(206, {
    "content-type": object.contentType,
    "x-goog-generation": headers["x-goog-generation"],
    "content-range": `bytes ${start}-${end}/${size}`,
    "content-length": end - start + 1,
  });
  res.end(object.bytes.subarray(start, end + 1));
}

async function receiveUpload(
  req: IncomingMessage,
  res: ServerResponse,
  bucket: string,
  url: URL,
  put: Put,
  buckets: Map<string, Map<string, StoredObject>>,
) {
  const body = await readAll(req);
  const type = url.searchParams.get("uploadType");
  let name = url.searchParams.get("name") ?? undefined;
  let media = body;
  let contentType = req.headers["content-type"] ?? "application/octet-stream";
  if (type === "multipart") {
    const parts = multipartParts(body, req.headers["content-type"] ?? "");
    if (parts.length !== 2) return sendError(res, 400, `multipart upload needs 2 parts, got ${parts.length}`);
    const metadata = JSON.parse(Buffer.from(parts[0]!.body).toString("utf8")) as { name?: string };
    name = metadata.name ?? name;
    media = parts[1]!.body;
    contentType = parts[1]!.contentType ?? "application/octet-stream";
  } else if (type !== "media") {
    return sendError(res, 501, `uploadType=${type} is not implemented by this test double`);
  }
  if (!name) return sendError(res, 400, "upload without an object name");
  // the precondition GCS checks atomically with the write: 0 means "no live object"
  const wanted = url.searchParams.get("ifGenerationMatch");
  const current = buckets.get(bucket)?.get(name)?.generation ?? 0;
  if (wanted !== null && Number(wanted) !== current)
    return sendError(res, 412, `ifGenerationMatch=${wanted}, the object's generation is ${current}`);
  put(bucket, name, media, contentType);
  const stored = { bytes: media, contentType, generation: 0, updated: new Date().toISOString() };
  sendJson(res, 200, resource(bucket, name, stored));
}

/** Splits a multipart/related body into its parts (headers parsed for Content-Type only). */
function multipartParts(body: Uint8Array, contentType: string) {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (!boundary) return [];
  const text = Buffer.from(body);
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: { contentType: string | undefined; body: Uint8Array }[] = [];
  let at = text.indexOf(delimiter);
  while (at >= 0) {
    const next = text.indexOf(delimiter, at + delimiter.length);
    if (next < 0) break;
    const part = text.subarray(at + delimiter.length, next);
    const headerEnd = part.indexOf("\r\n\r\n");
    if (headerEnd >= 0) {
      const headers = part.subarray(0, headerEnd).toString("utf8");
      // The part body ends with the CRLF that precedes the next delimiter.
      const partBody = part.subarray(headerEnd + 4, part.length - 2);
      parts.push({
        contentType: /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1],
        body: new Uint8Array(partBody),
      });
    }
    at = next;
  }
  return parts;
}

function readAll(req: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, code: number, message: string): void {
  sendJson(res, code, {
    error: { code, message, errors: [{ message, reason: code === 404 ? "notFound" : "x" }] },
  });
}

/** CRC-32C (Castagnoli), big-endian, base64: the form GCS reports. */
function crc32cBase64(bytes: Uint8Array): string {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  const out = Buffer.alloc(4);
  out.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  return out.toString("base64");
}
