/**
 * `refs init` with a workdir on object storage: one listing request under the prefix proves the bucket exists
 * and the credentials may read it, before anything is written; what fails is said naming the URL.
 */
import { isError, RefsError } from "../../refs/errors.js";
import { AccessDeniedError, listObjects, NotFoundError, TransientError } from "../../refs/storage/index.js";
import { isUrlPath, workdirStorage } from "./workdir-io.js";

/** A workdir URL that cannot be used: no such bucket, no credentials or no access, or no answer. */
export class WorkdirUnreachableError extends RefsError {
  override name = "WorkdirUnreachableError";
  constructor(
    readonly workdir: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`workdir ${workdir}: ${reason}`, options);
  }
}

/** Resolves when `workdir` is local or a readable object-store prefix; else WorkdirUnreachableError. */
export async function checkWorkdir(workdir: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (!isUrlPath(workdir)) return;
  const signal = AbortSignal.timeout(30_000);
  try {
    const root = `${workdir.replace(/\/+$/, "")}/`;
    for await (const _ of listObjects(`${root}*`, workdirStorage(env), { signal })) break;
  } catch (error) {
    throw new WorkdirUnreachableError(workdir, reasonOf(error), { cause: error });
  }
}

function reasonOf(error: unknown): string {
  const detail = error instanceof Error ? error.message : String(error);
  if (isError(error, NotFoundError)) return "the bucket does not exist (create it first)";
  if (isError(error, AccessDeniedError)) {
    return `no access (credentials missing or not allowed to list the bucket): ${detail}`;
  }
  if (isError(error, TransientError)) return `the store did not answer: ${detail}`;
  return detail;
}
