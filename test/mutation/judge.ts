/**
 * The judge of the mutation suite (a second forked process, since h5wasm alone holds 600 MB): compares the values
 * the subject read back through the references with the independent reader of the mutant or, where that reader
 * refuses the mutant (HDF5: a bad checksum, a broken B-tree), with the reader of the original: then only the
 * original's values are right.
 */
import type { Format } from "./mutants.js";
import { firstDifference, type Oracle, openOracle } from "./oracles.js";
import type { JudgeRequest, JudgeResult, Outcome } from "./protocol.js";

async function judge({ job, arrays }: JudgeRequest): Promise<{ outcome: Outcome; detail: string }> {
  const oracle = await openOracle(job.format as Format, job.path);
  let original: Oracle | undefined;
  let equal = 0;
  let bothRefuse = 0;
  let sizeRefused: string | undefined;
  try {
    for (const mine of arrays) {
      const theirs = await oracle.values(mine.path, mine.shape);
      if (theirs === "skip") continue;
      if (mine.error !== undefined) {
        if (theirs === "refused") {
          bothRefuse++;
          continue;
        }
        if (mine.errorName === "ChunkSizeError") {
          sizeRefused ??= `/${mine.path}: read-back refuses (${mine.error}), the reader returns values`;
          continue;
        }
        return {
          outcome: "wrong",
          detail: `/${mine.path}: read-back fails (${mine.error}), the reader reads it`,
        };
      }
      let expected = theirs;
      if (theirs === "refused") {
        original ??= await openOracle(job.format as Format, job.original);
        expected = await original.values(mine.path, mine.shape);
        if (expected === "skip" || expected === "refused") continue;
      }
      const diff = firstDifference(mine.values as ArrayLike<unknown>, expected as ArrayLike<unknown>);
      if (diff) {
        const against = theirs === "refused" ? "the original (the reader refuses the mutant)" : "the reader";
        return { outcome: "wrong", detail: `/${mine.path}: ${diff} against ${against}` };
      }
      equal++;
    }
  } finally {
    oracle.close();
    original?.close();
  }
  if (sizeRefused) return { outcome: "read-refused", detail: sizeRefused };
  if (equal > 0) return { outcome: "equal", detail: `${equal} arrays equal` };
  return bothRefuse > 0
    ? { outcome: "both-refuse", detail: "read-back and the reader both fail on the data" }
    : { outcome: "unverified", detail: "no array comparable" };
}

process.on("message", async (request: JudgeRequest) => {
  const result = await judge(request).catch((error: unknown) => ({
    outcome: "unverified" as Outcome,
    detail: `the reader failed: ${(error as Error)?.message}`,
  }));
  process.send?.({ id: request.job.id, ...result } satisfies JudgeResult);
});
process.send?.({ id: -1, phase: "ready" });
