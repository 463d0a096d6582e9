import { RefsError } from "../../../refs/errors.js";
import { listObjects, type ObjectInfo, type StorageOptions } from "../../../refs/storage/index.js";

/** A source glob matched no object, or could not be listed. */
export class SourceListingError extends RefsError {
  override name = "SourceListingError";
  constructor(
    readonly glob: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`source ${glob}: ${detail}`, options);
  }
}

/** Every object the project's source globs match, deduplicated, in lexical order of URL. */
export async function listSources(globs: readonly string[], options: StorageOptions): Promise<ObjectInfo[]> {
  const found = new Map<string, ObjectInfo>();
  for (const glob of globs) {
    let count = 0;
    try {
      for await (const info of listObjects(glob, options)) {
        found.set(info.url, info);
        count++;
      }
    } catch (error) {
      throw new SourceListingError(glob, `could not be listed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (count === 0) throw new SourceListingError(glob, "matched no files");
  }
  return [...found.values()].sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
}
