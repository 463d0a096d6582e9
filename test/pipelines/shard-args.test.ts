/** "Which shard am I": --shard i/N and the array-job variables of Kubernetes, Cloud Run and AWS Batch. */
import { describe, expect, it } from "vitest";
import { UsageError } from "../../pipelines/cli/command.js";
import { resolveShard, ShardSpecError } from "../../pipelines/cli/shard-args.js";

const none = {};

describe("resolveShard", () => {
  it("is the whole run when neither a flag nor an array job names a shard", () => {
    expect(resolveShard(none, {})).toBeUndefined();
    expect(resolveShard(none, { JOB_COMPLETION_INDEX: "" })).toBeUndefined();
  });

  it("parses --shard i/N, and refuses malformed or out-of-range ones as usage errors", () => {
    expect(resolveShard({ shard: "2/5" }, {})).toEqual({ index: 2, count: 5 });
    // the flag wins over an array job's variables
    expect(resolveShard({ shard: "0/2" }, { JOB_COMPLETION_INDEX: "1", JOB_COMPLETIONS: "2" })).toEqual({
      index: 0,
      count: 2,
    });
    expect(() => resolveShard({ shard: "5/5" }, {})).toThrow(
      /--shard 5\/5.*index 5 is out of range: shards are 0..4/,
    );
    expect(() => resolveShard({ shard: "0/0" }, {})).toThrow(/at least 1/);
    expect(() => resolveShard({ shard: "two" }, {})).toThrow(/expected "i\/N"/);
    expect(() => resolveShard({ shard: "1/2", shardCount: "2" }, {})).toThrow(/not both/);
    expect(() => resolveShard({ shard: "x" }, {})).toThrow(UsageError);
  });

  it("takes a Kubernetes Indexed Job's index and completion count", () => {
    expect(resolveShard(none, { JOB_COMPLETION_INDEX: "3", JOB_COMPLETIONS: "4" })).toEqual({
      index: 3,
      count: 4,
    });
    expect(resolveShard(none, { JOB_COMPLETION_INDEX: "3", REFS_SHARD_COUNT: "8" })).toEqual({
      index: 3,
      count: 8,
    });
    expect(() => resolveShard(none, { JOB_COMPLETION_INDEX: "3" })).toThrow(
      /JOB_COMPLETION_INDEX=3 is set \(Kubernetes Indexed Job\) but not the shard count: set JOB_COMPLETIONS, REFS_SHARD_COUNT or pass --shard-count N/,
    );
    expect(() => resolveShard(none, { JOB_COMPLETION_INDEX: "4", JOB_COMPLETIONS: "4" })).toThrow(
      /JOB_COMPLETION_INDEX=4, JOB_COMPLETIONS=4.*out of range: shards are 0..3/,
    );
  });

  it("takes a Cloud Run Job's task index and count", () => {
    expect(resolveShard(none, { CLOUD_RUN_TASK_INDEX: "0", CLOUD_RUN_TASK_COUNT: "10" })).toEqual({
      index: 0,
      count: 10,
    });
    expect(() => resolveShard(none, { CLOUD_RUN_TASK_INDEX: "1", CLOUD_RUN_TASK_COUNT: "x" })).toThrow(
      /CLOUD_RUN_TASK_COUNT.*whole number, got "x"/,
    );
  });

  it("takes an AWS Batch array index with the size from --shard-count or REFS_SHARD_COUNT, never guessed", () => {
    expect(resolveShard({ shardCount: "3" }, { AWS_BATCH_JOB_ARRAY_INDEX: "2" })).toEqual({
      index: 2,
      count: 3,
    });
    expect(resolveShard(none, { AWS_BATCH_JOB_ARRAY_INDEX: "1", REFS_SHARD_COUNT: "2" })).toEqual({
      index: 1,
      count: 2,
    });
    let error: unknown;
    try {
      resolveShard(none, { AWS_BATCH_JOB_ARRAY_INDEX: "7" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ShardSpecError);
    expect(error).toMatchObject({ source: "AWS_BATCH_JOB_ARRAY_INDEX" });
    expect((error as Error).message).toMatch(
      /AWS_BATCH_JOB_ARRAY_INDEX=7 is set \(AWS Batch array job\) but not the shard count: set REFS_SHARD_COUNT or pass --shard-count N \(AWS Batch does not tell a child job the array size\)/,
    );
    expect(() => resolveShard({ shardCount: "7" }, { AWS_BATCH_JOB_ARRAY_INDEX: "7" })).toThrow(
      /out of range/,
    );
  });

  it("refuses --shard-count with no index to go with it", () => {
    expect(() => resolveShard({ shardCount: "4" }, {})).toThrow(/no shard index/);
  });
});
