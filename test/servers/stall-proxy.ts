/**
 * A TCP proxy on 127.0.0.1 in front of any test server, that can stop passing the server's answers on: to make
 * a stalling S3, GCS or HTTP server out of one that works, whatever its client library. Modes:
 *   pass            forward both ways;
 *   stall           forward requests, hold back every byte of the answers (the client waits forever);
 *   { afterBytes }  forward the first n bytes of answers (headers and a little body), then hold back the rest.
 * Counters restart whenever the mode is set, so a test sees only its own traffic.
 */
import { type AddressInfo, connect, createServer, type Socket } from "node:net";

export type StallMode = "pass" | "stall" | { afterBytes: number };

export interface StallProxy {
  /** `http://127.0.0.1:port` */
  origin: string;
  mode: StallMode;
  /** Since the mode was last set: bytes of requests seen, client connections that closed. */
  readonly requestBytes: number;
  readonly closedConnections: number;
  close(): Promise<void>;
}

export async function startStallProxy(upstreamOrigin: string): Promise<StallProxy> {
  const upstream = new URL(upstreamOrigin);
  let mode: StallMode = "pass";
  let forwarded = 0;
  let requestBytes = 0;
  let closedConnections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const target = connect(Number(upstream.port), upstream.hostname);
    sockets.add(client).add(target);
    client.on("data", (chunk: Buffer) => {
      requestBytes += chunk.length;
      target.write(chunk);
    });
    target.on("data", (chunk: Buffer) => {
      const budget = mode === "pass" ? chunk.length : mode === "stall" ? 0 : mode.afterBytes - forwarded;
      const part = chunk.subarray(0, Math.max(0, budget));
      forwarded += part.length;
      if (part.length > 0) client.write(part);
    });
    const end = () => {
      client.destroy();
      target.destroy();
    };
    client.on("close", () => {
      closedConnections++;
      sockets.delete(client);
      end();
    });
    target.on("close", () => {
      sockets.delete(target);
      // Hold a stalled client open even when the server hangs up: a stall must look like a stall.
      if (mode === "pass") end();
    });
    client.on("error", end);
    target.on("error", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get mode() {
      return mode;
    },
    set mode(value) {
      mode = value;
      forwarded = 0;
      requestBytes = 0;
      closedConnections = 0;
    },
    get requestBytes() {
      return requestBytes;
    },
    get closedConnections() {
      return closedConnections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
