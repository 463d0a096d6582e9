import cluster, { type Worker } from "node:cluster";
import { ServeProcessError } from "../errors.js";

/** Serving processes forked by the primary: where they listen, their pids, and how to stop them. */
export interface ServerProcesses {
  url: string;
  pids(): number[];
  close(): Promise<void>;
}

/**
 * In the primary process: fork `count` copies of this process (node:cluster runs the same command line again;
 * each copy sees `cluster.isWorker`, opens its own store and listens). They share one listening socket, and the
 * primary hands each accepted connection to the next worker in turn. Resolves once every worker listens; a
 * worker that dies later is replaced.
 */
export function forkServers(count: number): Promise<ServerProcesses> {
  if (!cluster.isPrimary)
    throw new ServeProcessError("forkServers runs in the primary process only", process.pid);
  const workers = new Set<Worker>();
  let closing = false;
  let url = "";
  return new Promise((resolve, reject) => {
    let listening = 0;
    const start = (): void => {
      const w = cluster.fork();
      workers.add(w);
      w.once("listening", (address) => {
        const host = address.addressType === 6 ? `[${address.address}]` : address.address;
        url = `http://${host}:${address.port}`;
        if (++listening === count) resolve(handle);
      });
      w.once("exit", (code, signal) => {
        workers.delete(w);
        if (closing) return;
        if (listening < count) {
          closing = true;
          for (const other of workers) other.process.kill("SIGTERM");
          reject(
            new ServeProcessError(
              `serving process ${w.process.pid} exited with ${signal ?? code} before listening`,
              w.process.pid,
            ),
          );
          return;
        }
        console.error(`refs serve: process ${w.process.pid} exited with ${signal ?? code}; starting another`);
        start();
      });
    };
    const handle: ServerProcesses = {
      get url() {
        return url;
      },
      pids: () => [...workers].map((w) => w.process.pid!),
      close: async () => {
        closing = true;
        const exits = [...workers].map((w) => new Promise((done) => w.once("exit", done)));
        for (const w of workers) w.process.kill("SIGTERM");
        await Promise.all(exits);
      },
    };
    for (let i = 0; i < count; i++) start();
  });
}

/** In a worker: leave the cluster once its server and store are closed, so the process can end. */
export function leaveCluster(): void {
  if (cluster.isWorker) cluster.worker?.disconnect();
}

export const isServingWorker = (): boolean => cluster.isWorker;
