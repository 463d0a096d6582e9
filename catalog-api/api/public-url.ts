import type { IncomingMessage } from "node:http";
import type { Context, MiddlewareHandler } from "hono";
import { CatalogInputError } from "../errors.js";

/** How the API's own URL (every link's base) is found; see publicBase. */
export interface PublicUrlOptions {
  /** The URL clients reach the API at (e.g. https://stac.example.org/api): used as given, whatever the request says. */
  publicUrl?: string;
  /** Behind a reverse proxy: honour X-Forwarded-Proto, X-Forwarded-Host and X-Forwarded-Prefix (never otherwise). */
  trustProxy?: boolean;
  /**
   * Host names links may carry (`--allowed-host`, e.g. stac.example.org or *.example.org): a Host or
   * X-Forwarded-Host naming another is not copied (the listening address is used). Absent: any well-formed host.
   */
  allowedHosts?: string[];
}

const LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
/** A DNS name or IPv4 address, or a bracketed IPv6 literal, with an optional port: what a Host header may be. */
const HOST = new RegExp(`^(?:${LABEL}(?:\\.${LABEL})*\\.?|\\[[0-9A-Fa-f:.]+\\])(?::\\d{1,5})?$`);
/** A path prefix such as /stac or /a/b (no query, fragment or dot segments). */
const PREFIX = /^(\/[A-Za-z0-9._~!$&'()*+,;=:@-]+)*\/?$/;
const BASE_KEY = "refsBaseUrl";

/** Check --public-url: an absolute http(s) URL without query or fragment; returned without a trailing slash. */
export function checkPublicUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    throw new CatalogInputError(`"${text}" is not a URL`, "public-url", { cause });
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.search || url.hash || url.username)
    throw new CatalogInputError(
      `"${text}" must be an http(s) URL without query, fragment or credentials`,
      "public-url",
    );
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

/** Whether a Host (or X-Forwarded-Host) value is a host name or address with an optional port, nothing else. */
export function isHostHeader(value: string): boolean {
  return value.length <= 260 && HOST.test(value) && portOk(value);
}

function portOk(value: string): boolean {
  const m = /:(\d+)$/.exec(value);
  return !m || Number(m[1]) <= 65535;
}

/** The first value of a header that proxies may have appended to ("a, b"). */
function first(c: Context, name: string): string | undefined {
  return c.req.header(name)?.split(",")[0]?.trim() || undefined;
}

/**
 * The base URL of every link, once per request: --public-url when given; else the scheme, host and prefix the
 * client used, where the host is the Host header only when it is a well-formed host[:port] (a forged one such as
 * `evil.example/x` or `a@b` is never copied: the listening address is used instead), and X-Forwarded-Proto/Host/
 * Prefix count only with --trust-proxy. With --allowed-host, a host must also be one of those named.
 */
export function publicUrlMiddleware(o: PublicUrlOptions): MiddlewareHandler {
  const fixed = o.publicUrl === undefined ? undefined : checkPublicUrl(o.publicUrl);
  const allowed = o.allowedHosts === undefined ? undefined : hostAllowList(o.allowedHosts);
  const usable = (host: string) => isHostHeader(host) && (!allowed || allowed(host));
  return async (c, next) => {
    c.set(BASE_KEY as never, (fixed ?? requestBase(c, Boolean(o.trustProxy), usable)) as never);
    await next();
  };
}

/** Check --allowed-host values (a host name, or `*.` and a domain for its subdomains); a matcher of Host values. */
export function hostAllowList(names: string[]): (host: string) => boolean {
  const exact = new Set<string>();
  const suffixes: string[] = [];
  for (const name of names) {
    const n = name.toLowerCase();
    const bare = n.startsWith("*.") ? n.slice(2) : n;
    if (!isHostHeader(bare) || /:\d+$/.test(bare))
      throw new CatalogInputError(
        `"${name}" is not a host name (without port), or *. and a domain`,
        "allowed-host",
      );
    if (n.startsWith("*.")) suffixes.push(`.${bare}`);
    else exact.add(bare);
  }
  return (host) => {
    const name = host.toLowerCase().replace(/:\d+$/, "").replace(/\.$/, "");
    return exact.has(name) || suffixes.some((s) => name.endsWith(s));
  };
}

function requestBase(c: Context, trustProxy: boolean, usable: (host: string) => boolean): string {
  const url = new URL(c.req.url);
  let scheme = url.protocol.slice(0, -1);
  let host = c.req.header("host");
  let prefix = "";
  if (trustProxy) {
    const proto = first(c, "x-forwarded-proto")?.toLowerCase();
    if (proto === "http" || proto === "https") scheme = proto;
    const forwardedHost = first(c, "x-forwarded-host");
    if (forwardedHost && usable(forwardedHost)) host = forwardedHost;
    const p = first(c, "x-forwarded-prefix");
    if (p && PREFIX.test(p) && !/\/\.\.?(\/|$)/.test(p)) prefix = p.replace(/\/+$/, "");
  }
  if (!host || !usable(host)) host = listeningAddress(c) ?? (isHostHeader(url.host) ? url.host : "localhost");
  return `${scheme}://${host}${prefix}`;
}

/** The address and port this connection reached (the server's side of the socket), when served over Node's http. */
function listeningAddress(c: Context): string | undefined {
  const socket = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket;
  if (!socket?.localAddress || !socket.localPort) return undefined;
  const a = socket.localAddress.replace(/^::ffff:/, "");
  return `${a.includes(":") ? `[${a}]` : a}:${socket.localPort}`;
}

/** The base URL set for this request by publicUrlMiddleware (no trailing slash). */
export function requestBaseUrl(c: Context): string {
  return (c.get(BASE_KEY as never) as string | undefined) ?? new URL(c.req.url).origin;
}
