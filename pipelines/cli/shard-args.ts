/**
 * "Which shard am I": from `--shard i/N`, or from the array-job variables of the engine running this process:
 * a Kubernetes Indexed Job (JOB_COMPLETION_INDEX; the count from JOB_COMPLETIONS, which refs' manifests set),
 * a Google Cloud Run Job (CLOUD_RUN_TASK_INDEX, CLOUD_RUN_TASK_COUNT) or an AWS Batch array job
 * (AWS_BATCH_JOB_ARRAY_INDEX; AWS does not tell a child the array size, so it comes from --shard-count or
 * REFS_SHARD_COUNT). Scan and compute both take their share from here.
 */
import type { Shard } from "../../compute/index.js";
import { UsageError } from "./command.js";

export type { Shard };

/** A shard that cannot be worked out: `source` names the flag or variable, `detail` what is wrong with it. */
export class ShardSpecError extends UsageError {
  override name = "ShardSpecError";
  constructor(
    readonly source: string,
    readonly detail: string,
  ) {
    super(`shard (${source}): ${detail}`);
  }
}

/** Array-job variables per engine: the index, and the count the engine itself sets (if it sets one). */
const ENGINES = [
  { engine: "Kubernetes Indexed Job", index: "JOB_COMPLETION_INDEX", count: "JOB_COMPLETIONS" },
  { engine: "Cloud Run Job", index: "CLOUD_RUN_TASK_INDEX", count: "CLOUD_RUN_TASK_COUNT" },
  { engine: "AWS Batch array job", index: "AWS_BATCH_JOB_ARRAY_INDEX", count: undefined },
] as const;

export const SHARD_COUNT_ENV = "REFS_SHARD_COUNT";

export interface ShardInputs {
  /** `--shard i/N`. */
  shard?: string | undefined;
  /** `--shard-count N`: the count when the engine gives only an index. */
  shardCount?: string | undefined;
}

/** This process's shard, or undefined when neither flags nor array-job variables name one (the whole run). */
export function resolveShard(
  inputs: ShardInputs,
  env: Record<string, string | undefined>,
): Shard | undefined {
  if (inputs.shard !== undefined) {
    if (inputs.shardCount !== undefined)
      throw new ShardSpecError("--shard-count", "give --shard i/N or --shard-count N, not both");
    const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(inputs.shard);
    if (!m) throw new ShardSpecError("--shard", `expected "i/N" (e.g. 0/4), got "${inputs.shard}"`);
    return checked(Number(m[1]), Number(m[2]), `--shard ${inputs.shard}`);
  }
  const set = (name: string) => env[name] !== undefined && env[name] !== "";
  const found = ENGINES.find((e) => set(e.index));
  if (!found) {
    if (inputs.shardCount !== undefined) {
      throw new ShardSpecError(
        "--shard-count",
        `no shard index: give --shard i/N, or run as an array job (${ENGINES.map((e) => e.index).join(", ")})`,
      );
    }
    return undefined;
  }
  const indexText = env[found.index] as string;
  const [countText, countSource] =
    inputs.shardCount !== undefined
      ? [inputs.shardCount, "--shard-count"]
      : found.count && set(found.count)
        ? [env[found.count] as string, found.count]
        : set(SHARD_COUNT_ENV)
          ? [env[SHARD_COUNT_ENV] as string, SHARD_COUNT_ENV]
          : [undefined, undefined];
  if (countText === undefined) {
    const from = found.count ? `${found.count}, ` : "";
    throw new ShardSpecError(
      found.index,
      `${found.index}=${indexText} is set (${found.engine}) but not the shard count: set ${from}` +
        `${SHARD_COUNT_ENV} or pass --shard-count N${found.count ? "" : " (AWS Batch does not tell a child job the array size)"}`,
    );
  }
  const index = wholeNumber(indexText, found.index);
  const count = wholeNumber(countText, countSource as string);
  return checked(index, count, `${found.index}=${indexText}, ${countSource}=${countText}`);
}

function wholeNumber(text: string, source: string): number {
  if (!/^\s*\d+\s*$/.test(text)) throw new ShardSpecError(source, `expected a whole number, got "${text}"`);
  return Number(text);
}

function checked(index: number, count: number, source: string): Shard {
  if (!Number.isSafeInteger(count) || count < 1)
    throw new ShardSpecError(source, `the shard count must be at least 1, got ${count}`);
  if (!Number.isSafeInteger(index) || index >= count)
    throw new ShardSpecError(source, `index ${index} is out of range: shards are 0..${count - 1}`);
  return { index, count };
}
