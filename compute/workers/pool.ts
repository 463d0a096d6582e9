import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { type TransferListItem, Worker } from "node:worker_threads";
import { reviveError, type SerialisedError, serialiseError } from "../../refs/errors.js";
import "../errors.js"; // compute's error classes registered, so they are rebuilt as themselves

/**
 * A worker thread for a module beside the caller: `name` is the file stem. After `npm run build` the caller is
 * compiled .js and so is the worker. Under tsx or vitest the caller is a .ts file: the worker starts from a
 * small script that registers tsx's loader in the new thread (loader hooks are per thread, and `--import tsx`
 * in a worker's execArgv is not honoured on Node 20) and then imports the .ts worker.
 */
export function startWorker(callerUrl: string, name: string, workerData: unknown): Worker {
  if (!callerUrl.endsWith(".ts")) return new Worker(new URL(`./${name}.js`, callerUrl), { workerData });
  const target = new URL(`./${name}.ts`, callerUrl).href;
  const tsxApi = pathToFileURL(
    createRequire(callerUrl)
      .resolve("tsx/esm/api")
      .replace(/\.cjs$/, ".mjs"),
  ).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

interface Pending {
  message: unknown;
  transfer: TransferListItem[];
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Message replies are `{ok: true, value}` or `{ok: false, error}`, the error tagged so it keeps its class. */
type Reply = { ok: true; value: unknown } | { ok: false; error: SerialisedError };

/** A fixed set of workers taking tasks from one queue; each task is one message and one reply. */
export class WorkerPool {
  private readonly idle: Worker[] = [];
  private readonly queue: Pending[] = [];
  private readonly workers: Worker[] = [];
  private failure: unknown;

  constructor(callerUrl: string, name: string, workerData: unknown, size: number) {
    for (let i = 0; i < Math.max(1, size); i++) {
      const worker = startWorker(callerUrl, name, workerData);
      worker.on("error", (e) => {
        this.failure = e;
      });
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  run<T>(message: unknown, transfer: TransferListItem[] = []): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ message, transfer, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop() as Worker;
      const task = this.queue.shift() as Pending;
      const onMessage = (reply: Reply) => {
        worker.off("error", onError);
        this.idle.push(worker);
        if (reply.ok) task.resolve(reply.value);
        else task.reject(reviveError(reply.error));
        this.pump();
      };
      const onError = (e: unknown) => {
        worker.off("message", onMessage);
        task.reject(e);
      };
      worker.once("message", onMessage);
      worker.once("error", onError);
      worker.postMessage(task.message, task.transfer);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Serialise an error for a reply, with its class tags, fields and cause chain. */
export function errorReply(e: unknown): Reply {
  return { ok: false, error: serialiseError(e) };
}
