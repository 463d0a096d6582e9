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
  close(): Promise<void>;
}

export async function startS3rver(buckets: string[]): Promise<S3Server> {
  const directory = await mkdtemp(join(tmpdir(), "refs-s3rver-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  const { port } = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
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
