/**
 * Shards: `--shard i/N` or a Kubernetes Indexed Job's JOB_COMPLETION_INDEX with the completion count
 * (JOB_COMPLETIONS, which the generated manifest sets). Unit k belongs to shard k mod N, so shards are balanced
 * and together take every unit exactly once. compute never reads the environment: the caller passes it in.
 */
import { ComputeConfigError } from "../errors.js";

export interface Shard {
  index: number;
  count: number;
}

export function parseShard(spec: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(spec.trim());
  if (!m) throw new ComputeConfigError("shard", `expected "i/N" (e.g. 0/4), got "${spec}"`);
  return checkShard(Number(m[1]), Number(m[2]), spec);
}

/** The shard named by Kubernetes Indexed Job variables, or undefined when they are not set. */
export function shardFromEnv(env: Record<string, string | undefined>): Shard | undefined {
  const index = env.JOB_COMPLETION_INDEX;
  if (index === undefined || index === "") return undefined;
  const count = env.JOB_COMPLETIONS ?? env.REFS_SHARD_COUNT;
  if (count === undefined || count === "") {
    throw new ComputeConfigError(
      "shard",
      "JOB_COMPLETION_INDEX is set but not the completion count (set JOB_COMPLETIONS to the Job's completions)",
    );
  }
  return checkShard(Number(index), Number(count), `JOB_COMPLETION_INDEX=${index} JOB_COMPLETIONS=${count}`);
}

function checkShard(index: number, count: number, spec: string): Shard {
  if (!Number.isInteger(index) || !Number.isInteger(count) || count < 1 || index < 0 || index >= count) {
    throw new ComputeConfigError("shard", `"${spec}": need 0 <= i < N`);
  }
  return { index, count };
}

export function inShard<T>(items: readonly T[], shard: Shard | undefined): T[] {
  if (!shard) return [...items];
  return items.filter((_, k) => k % shard.count === shard.index);
}
