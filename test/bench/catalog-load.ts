import { Worker } from "node:worker_threads";

/**
 * Drive a server with `clients` concurrent HTTP clients (in a worker thread, so the load generator does not
 * share the server's event loop) for `requests` GET requests taken round-robin from `paths`.
 * Returns each request's latency in ms; any non-200 answer fails the run.
 */
export function loadTest(
  base: string,
  paths: string[],
  clients: number,
  requests: number,
): Promise<number[]> {
  const code = `
    const { parentPort, workerData } = require("node:worker_threads");
    const { base, paths, clients, requests } = workerData;
    let next = 0;
    const latencies = [];
    async function client() {
      while (true) {
        const i = next++;
        if (i >= requests) return;
        const t0 = performance.now();
        const r = await fetch(base + paths[i % paths.length]);
        const body = await r.text();
        if (r.status !== 200) throw new Error("HTTP " + r.status + " for " + paths[i % paths.length] + ": " + body.slice(0, 300));
        latencies.push(performance.now() - t0);
      }
    }
    Promise.all(Array.from({ length: clients }, client)).then(
      () => parentPort.postMessage({ latencies }),
      (e) => parentPort.postMessage({ error: String(e) }),
    );`;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: { base, paths, clients, requests } });
    w.once("message", (m: { latencies?: number[]; error?: string }) => {
      void w.terminate();
      if (m.error) reject(new Error(m.error));
      else resolve(m.latencies!);
    });
    w.once("error", reject);
  });
}

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
}
