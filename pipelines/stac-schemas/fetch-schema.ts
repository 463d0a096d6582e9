/**
 * One schema from the network: one attempt, a short timeout, through HTTPS_PROXY/HTTP_PROXY when set (NO_PROXY
 * honoured). Once the network fails (refused, unresolved, timed out), no later fetch of this process tries it:
 * a catalog run offline waits a few seconds at most, not once per schema.
 */
import { request as httpRequest } from "node:http";
import { get, type RequestOptions } from "node:https";
import type { Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";

/** How long one request may take, connection to last byte. */
export const FETCH_TIMEOUT_MS = 4000;
const MAX_SCHEMA_BYTES = 4 * 1024 * 1024;

let networkDown: string | undefined;

/** Why the network is not used any more in this process (undefined while it is). */
export function networkUnavailable(): string | undefined {
  return networkDown;
}

/** For tests: try the network again. */
export function resetNetworkMemo(): void {
  networkDown = undefined;
}

/** The proxy for a URL from the usual variables, or undefined for a direct connection. */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv): string | undefined {
  const proxy =
    (url.protocol === "https:" ? env.https_proxy || env.HTTPS_PROXY : env.http_proxy || env.HTTP_PROXY) ||
    env.all_proxy ||
    env.ALL_PROXY;
  if (!proxy) return undefined;
  const noProxy = (env.no_proxy || env.NO_PROXY || "").split(/[\s,]+/).filter(Boolean);
  const host = url.hostname.toLowerCase();
  const bypass = noProxy.some((p) => {
    if (p === "*") return true;
    const suffix = p
      .replace(/^\*?\.?/, ".")
      .replace(/:\d+$/, "")
      .toLowerCase();
    return host === suffix.slice(1) || host.endsWith(suffix);
  });
  return bypass ? undefined : proxy;
}

export type FetchResult = { json: object } | { missing: string };

export async function fetchSchema(
  url: string,
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = FETCH_TIMEOUT_MS,
): Promise<FetchResult> {
  let target = new URL(url);
  for (let hops = 0; ; hops++) {
    if (networkDown) return { missing: networkDown };
    if (target.protocol !== "https:")
      return { missing: `${target.href}: only https schema URLs are fetched` };
    const proxy = proxyFor(target, env);
    const outcome = await getOnce(target, proxy, timeoutMs);
    if ("error" in outcome) {
      networkDown = `the network is unreachable (${target.host}${proxy ? ` through proxy ${proxy}` : ""}: ${outcome.error})`;
      return { missing: networkDown };
    }
    if ([301, 302, 303, 307, 308].includes(outcome.status) && outcome.location && hops < 3) {
      target = new URL(outcome.location, target);
      continue;
    }
    if (outcome.status !== 200) return { missing: `${target.href}: HTTP ${outcome.status}` };
    try {
      const json = JSON.parse(outcome.body) as unknown;
      if (json === null || typeof json !== "object" || Array.isArray(json))
        return { missing: `${target.href}: not a JSON object` };
      return { json };
    } catch (error) {
      return { missing: `${target.href}: not JSON (${(error as Error).message})` };
    }
  }
}

type Answer = { status: number; location: string | undefined; body: string } | { error: string };

/**
 * One GET. Every socket it opens (to the proxy too) is its own, so the deadline can close them all: a silent
 * proxy must neither hold the answer back nor keep the process alive.
 */
function getOnce(target: URL, proxy: string | undefined, timeoutMs: number): Promise<Answer> {
  return new Promise<Answer>((resolve) => {
    const opened: { destroy(): unknown }[] = [];
    let settled = false;
    const finish = (answer: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      for (const s of opened) s.destroy();
      resolve(answer);
    };
    const deadline = setTimeout(() => finish({ error: `no answer within ${timeoutMs / 1000} s` }), timeoutMs);
    const options: RequestOptions = proxy ? { createConnection: tunnel(target, proxy, opened) } : {};
    const request = get(target, options, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_SCHEMA_BYTES) finish({ error: `more than ${MAX_SCHEMA_BYTES} bytes` });
        else chunks.push(chunk);
      });
      response.on("end", () =>
        finish({
          status: response.statusCode ?? 0,
          location: response.headers.location,
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
      response.on("error", (e) => finish({ error: e.message }));
    });
    opened.push(request);
    request.on("error", (e: NodeJS.ErrnoException) =>
      finish({ error: e.code ? `${e.code} ${e.message}` : e.message }),
    );
  });
}

/** An HTTP CONNECT tunnel through the proxy, then TLS to the target inside it. */
function tunnel(
  target: URL,
  proxy: string,
  opened: { destroy(): unknown }[],
): RequestOptions["createConnection"] {
  return ((_options: unknown, oncreate: (error: Error | null, socket?: Socket) => void) => {
    const p = new URL(proxy);
    const authority = `${target.hostname}:${target.port || 443}`;
    const headers: Record<string, string> = { host: authority };
    if (p.username)
      headers["proxy-authorization"] =
        `Basic ${Buffer.from(`${decodeURIComponent(p.username)}:${decodeURIComponent(p.password)}`).toString("base64")}`;
    const connect = httpRequest({
      host: p.hostname,
      port: p.port || 80,
      method: "CONNECT",
      path: authority,
      headers,
    });
    opened.push(connect);
    connect.on("connect", (response, socket) => {
      opened.push(socket);
      if (response.statusCode !== 200) {
        oncreate(new Error(`the proxy answered ${response.statusCode} to CONNECT ${authority}`));
        return;
      }
      const secure = tlsConnect({ socket, servername: target.hostname });
      opened.push(secure);
      oncreate(null, secure);
    });
    connect.on("error", (e) => oncreate(e));
    connect.end();
    return undefined;
  }) as unknown as RequestOptions["createConnection"];
}
