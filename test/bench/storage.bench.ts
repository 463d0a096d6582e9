/**
 * Storage benchmark: a scattered read pattern like a metadata scan (bursts of small concurrent reads clustered at
 * a few places of a ~50 MB object, each burst waiting for the previous, as a parser following pointers does),
 * over the loopback HTTP range server and s3rver, with and without the block cache and range coalescing.
 * Requests and bytes are the network's (CountingSource directly over the source); every read is checked.
 */

import { HttpSource } from "../../refs/storage/http.js";
import { CountingSource } from "../../refs/storage/middleware/count.js";
import { withDefaults } from "../../refs/storage/middleware/stack.js";
import { S3Store } from "../../refs/storage/s3-store.js";
import type { ByteSource } from "../../refs/storage/types.js";
import { startRangeServer } from "../servers/http-range-server.js";
import { startS3rver } from "../servers/s3rver.js";
import type { BenchTable } from "./table.js";

const SIZE = 50 * 1024 * 1024;
const REPEATS = 5;

/** Pseudo-random bytes (xorshift over 32-bit words): cheap to make, never accidentally equal at wrong offsets. */
function makeObject(): Uint8Array {
  const words = new Uint32Array(SIZE / 4);
  let x = 2463534242;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return new Uint8Array(words.buffer);
}

/** Bursts of reads: 6 clusters, 8 dependent bursts each of 1-6 concurrent reads of 8 B .. 4 KiB near the cluster. */
function scanPattern(): [number, number][][] {
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const clusters = [0, 1_200_000, 9_500_000, 23_000_000, 41_000_000, SIZE - 300_000];
  const bursts: [number, number][][] = [];
  for (const base of clusters) {
    let cursor = base;
    for (let b = 0; b < 8; b++) {
      const reads: [number, number][] = [];
      const count = 1 + Math.floor(random() * 6);
      for (let r = 0; r < count; r++) {
        const offset = Math.min(SIZE - 4096, cursor + Math.floor(random() * 24_000));
        reads.push([offset, 8 + Math.floor(random() * 4088)]);
      }
      bursts.push(reads);
      cursor += Math.floor(random() * 40_000);
    }
  }
  return bursts;
}

interface Run {
  requests: number;
  bytes: number;
  ms: number;
}

const configs: [string, (counted: ByteSource) => ByteSource][] = [
  ["no middleware", (s) => s],
  ["retry+limit+timeout only", (s) => withDefaults(s, { cache: false, coalesce: false })],
  ["coalesce", (s) => withDefaults(s, { cache: false })],
  ["cache", (s) => withDefaults(s, { coalesce: false })],
  ["cache+coalesce (withDefaults)", (s) => withDefaults(s)],
];

async function runOnce(open: () => ByteSource, wrap: (s: ByteSource) => ByteSource, data: Uint8Array) {
  const counter = new CountingSource(open());
  const source = wrap(counter);
  const started = performance.now();
  for (const burst of scanPattern()) {
    const results = await Promise.all(burst.map(([o, l]) => source.fetch(o, l)));
    results.forEach((bytes, i) => {
      const [o, l] = burst[i]!;
      if (Buffer.compare(bytes, data.subarray(o, o + l)) !== 0) throw new Error(`wrong bytes at ${o}+${l}`);
    });
  }
  const ms = performance.now() - started;
  return { requests: counter.stats.requests + counter.stats.sizeRequests, bytes: counter.stats.bytes, ms };
}

/** Repeats go round-robin over the configurations, so drift in machine load hits them alike. */
async function measure(
  target: string,
  open: () => ByteSource,
  data: Uint8Array,
): Promise<(string | number)[][]> {
  await runOnce(open, (s) => s, data); // warm-up: connections, JIT, server caches
  const runs: Run[][] = configs.map(() => []);
  for (let i = 0; i < REPEATS; i++) {
    for (const [c, [, wrap]] of configs.entries()) runs[c]!.push(await runOnce(open, wrap, data));
  }
  const summary = runs.map((list) => {
    const ms = list.map((r) => r.ms).sort((a, b) => a - b)[Math.floor(REPEATS / 2)]!;
    return { ...list[0]!, ms };
  });
  const baseline = summary[0]!;
  return summary.map((run, c) => [
    target,
    configs[c]![0],
    run.requests,
    run.bytes,
    run.ms,
    run.requests / baseline.requests,
    run.bytes / baseline.bytes,
    run.ms / baseline.ms,
  ]);
}

export default async function storageBench(): Promise<BenchTable> {
  const data = makeObject();
  const reads = scanPattern().flat();
  const wanted = reads.reduce((sum, [, l]) => sum + l, 0);
  const http = await startRangeServer();
  http.objects.set("/big.bin", data);
  const s3 = await startS3rver(["bench"]);
  const store = new S3Store(s3.options);
  await store.write("s3://bench/big.bin", data);
  try {
    const rows = [
      ...(await measure("http loopback", () => new HttpSource(`${http.origin}/big.bin`), data)),
      ...(await measure("s3rver", () => store.open("s3://bench/big.bin"), data)),
    ];
    return {
      title: `scattered metadata-like reads: ${reads.length} reads (${wanted} bytes) in ${scanPattern().length} dependent bursts over a ${SIZE / 1048576} MiB object`,
      baseline: "no middleware (same target)",
      columns: [
        "target",
        "middleware",
        "requests",
        "bytes",
        "ms (median of 5)",
        "requests ratio",
        "bytes ratio",
        "time ratio",
      ],
      rows,
      notes: [
        "requests = network fetches + size lookups, counted directly over the source (retries would count too)",
        "cache: 64 KiB blocks, 16 MiB; coalesce: 32 KiB gap, 8 MiB max; every returned byte is compared with the object",
      ],
    };
  } finally {
    (await store.client()).destroy();
    await s3.close();
    await http.close();
  }
}
