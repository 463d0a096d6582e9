/** Starts s3rver (an S3-compatible server from npm) in-process on 127.0.0.1 with fresh buckets, for tests. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import type { S3Options } from "../../refs/storage/options.js";

export interface S3Server {
  endpoint: string;
  /** Options that make S3Store talk to this server. */
  options: S3Options;
  /** Every request the server received, as "METHOD /bucket/key" (query string and Range left out). */
  requests: string[];
  close(): Promise<void>;
}

export async function startS3rver(buckets: string[]): Promise<S3Server> {
  const directory = await mkdtemp(join(tmpdir(), "refs-s3rver-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: process.env.S3RVER_LOG !== "1",
    directory,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  serializeDeletes(server as unknown as { store: DeletingStore });
  const { port } = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  const requests: string[] = [];
  (server as unknown as { httpServer: import("node:http").Server }).httpServer.on("request", (req) => {
    requests.push(`${req.method} ${decodeURIComponent((req.url ?? "").split("?")[0] ?? "")}`);
  });
  return {
    endpoint,
    requests,
    options: {
      endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    },
    close: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

interface DeletingStore {
  deleteObject(bucket: string, key: string): Promise<void>;
}

/**
 * s3rver's filesystem store removes a deleted object's emptied folders after the unlink, with no lock: two
 * DELETEs in one folder at once race (one removes the folder the other then lists) and answer 500 ever after for
 * that key, which S3 never does. Deletes run one at a time here; every other request stays concurrent.
 */
function serializeDeletes(server: { store: DeletingStore }): void {
  const store = server.store;
  const original = store.deleteObject.bind(store);
  let queue: Promise<unknown> = Promise.resolve();
  store.deleteObject = (bucket, key) => {
    const next = queue.then(() => original(bucket, key));
    queue = next.catch(() => undefined);
    return next;
  };
}
