/**
 * A loopback HTTP server for tests: serves objects from a Map by path with HEAD and single Range requests
 * (`bytes=a-b`, `bytes=a-`, `bytes=-n`), 416 past the end, 404 for unknown paths; HTTPS when given a key pair.
 * A path ending in `/` with objects below it gets an HTML directory index in the style of Apache's or nginx's
 * autoindex (see autoindex.ts). `intercept` lets a fault test answer a request itself (503s, short bodies,
 * stalls); `ignoreRange` and `noHead` imitate poorer servers.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { type AutoindexStyle, autoindexPage } from "./autoindex.js";

export interface RangeServerOptions {
  /** Serve HTTPS with this key and certificate (PEM) instead of plain HTTP. */
  tls?: { key: string; cert: string };
  ignoreRange?: boolean;
  noHead?: boolean;
  /** Directory index pages for paths ending in `/`: "apache" (default), "nginx", "absolute", or none. */
  autoindex?: AutoindexStyle | false;
  /** Return true when the request was answered here. */
  intercept?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

export interface RangeServer {
  /** `http://127.0.0.1:port` */
  origin: string;
  objects: Map<string, Uint8Array>;
  options: RangeServerOptions;
  /** Requests seen, as "METHOD path range", and their headers. */
  log: string[];
  headers: IncomingHttpHeaders[];
  close(): Promise<void>;
}

export async function startRangeServer(options: RangeServerOptions = {}): Promise<RangeServer> {
  const objects = new Map<string, Uint8Array>();
  const log: string[] = [];
  const headers: IncomingHttpHeaders[] = [];
  const state = { options };
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    log.push(`${req.method} ${req.url} ${req.headers.range ?? ""}`.trim());
    headers.push(req.headers);
    if (state.options.intercept?.(req, res)) return;
    answer(req, res, objects, state.options);
  };
  const server: Server = options.tls ? createHttpsServer(options.tls, handler) : createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `${options.tls ? "https" : "http"}://127.0.0.1:${port}`,
    objects,
    get options() {
      return state.options;
    },
    set options(value) {
      state.options = value;
    },
    log,
    headers,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answer(
  req: IncomingMessage,
  res: ServerResponse,
  objects: Map<string, Uint8Array>,
  options: RangeServerOptions,
): void {
  const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
  const body = objects.get(path);
  if (req.method === "HEAD" && options.noHead) return void res.writeHead(405).end();
  if (req.method !== "GET" && req.method !== "HEAD") return void res.writeHead(405).end();
  if (!body && path.endsWith("/") && options.autoindex !== false) {
    const origin = `${options.tls ? "https" : "http"}://${req.headers.host}`;
    const page = autoindexPage(objects, path, options.autoindex ?? "apache", origin);
    if (page !== undefined) {
      const html = Buffer.from(page);
      res.writeHead(200, { "content-type": "text/html;charset=utf-8", "content-length": html.length });
      return void res.end(req.method === "HEAD" ? undefined : html);
    }
  }
  if (!body) return void res.writeHead(404, { "content-length": 0 }).end();
  const range = options.ignoreRange ? undefined : req.headers.range;
  const common = { "accept-ranges": "bytes", "content-type": "application/octet-stream" };
  if (!range) {
    res.writeHead(200, { ...common, "content-length": body.length });
    return void res.end(req.method === "HEAD" ? undefined : body);
  }
  const wanted = parseRange(range, body.length);
  if (!wanted) {
    res.writeHead(416, { ...common, "content-range": `bytes */${body.length}`, "content-length": 0 });
    return void res.end();
  }
  const [start, end] = wanted;
  res.writeHead(206, {
    ...common,
    "content-range": `bytes ${start}-${end}/${body.length}`,
    "content-length": end - start + 1,
  });
  res.end(req.method === "HEAD" ? undefined : body.subarray(start, end + 1));
}

/** Inclusive [start, end] clamped to the object, or undefined when unsatisfiable (RFC 9110 14.1.2). */
function parseRange(header: string, size: number): [number, number] | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return undefined;
  if (match[1] === "") {
    const suffix = Number(match[2]);
    return suffix === 0 || size === 0 ? undefined : [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(match[1]);
  const end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  return start >= size || end < start ? undefined : [start, end];
}
