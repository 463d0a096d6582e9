/**
 * Shards: unit k belongs to shard k mod N, so shards are balanced and together take every unit exactly once.
 * compute never reads the environment: the command line works out the shard (--shard i/N or an array job's
 * variables, pipelines/cli/shard-args.ts) and passes it in.
 */
export interface Shard {
  index: number;
  count: number;
}

export function inShard<T>(items: readonly T[], shard: Shard | undefined): T[] {
  if (!shard) return [...items];
  return items.filter((_, k) => k % shard.count === shard.index);
}
