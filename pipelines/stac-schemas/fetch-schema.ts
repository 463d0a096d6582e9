/**
 * One schema from the network: one attempt, a short timeout, through HTTPS_PROXY/HTTP_PROXY when set (NO_PROXY
 * honoured). Once the network fails (refused, unresolved, timed out), no later fetch of this process tries it:
 * a catalog run offline waits a few seconds at most, not once per schema.
 */
import type { Agent } from "node:http";
import { get } from "node:https";

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

export async function fetchSchema(url: string, env: NodeJS.ProcessEnv = process.env): Promise<FetchResult> {
  let target = new URL(url);
  for (let hops = 0; ; hops++) {
    if (networkDown) return { missing: networkDown };
    if (target.protocol !== "https:")
      return { missing: `${target.href}: only https schema URLs are fetched` };
    const proxy = proxyFor(target, env);
    const outcome = await getOnce(target, proxy);
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

async function getOnce(target: URL, proxy: string | undefined): Promise<Answer> {
  let agent: Agent | undefined;
  if (proxy) {
    const { HttpsProxyAgent } = await import("https-proxy-agent");
    agent = new HttpsProxyAgent(proxy);
  }
  return new Promise<Answer>((resolve) => {
    const fail = () => new Error(`no answer within ${FETCH_TIMEOUT_MS / 1000} s`);
    const request = get(target, { agent, timeout: FETCH_TIMEOUT_MS }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_SCHEMA_BYTES) request.destroy(new Error(`more than ${MAX_SCHEMA_BYTES} bytes`));
        else chunks.push(chunk);
      });
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          location: response.headers.location,
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
      response.on("error", (e) => resolve({ error: e.message }));
    });
    // one deadline for the whole exchange, not only for an idle socket
    const deadline = setTimeout(() => request.destroy(fail()), FETCH_TIMEOUT_MS);
    request.on("timeout", () => request.destroy(fail()));
    request.on("error", (e: NodeJS.ErrnoException) =>
      resolve({ error: e.code ? `${e.code} ${e.message}` : e.message }),
    );
    request.on("close", () => clearTimeout(deadline));
  });
}
