import { RefsError, registerErrors } from "../errors.js";

/** An array's .zarray is missing or says something we cannot read (names the array and what is wrong). */
export class ArrayMetadataError extends RefsError {
  override name = "ArrayMetadataError";
  constructor(
    readonly arrayPath: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`array "${arrayPath}": ${detail}`, options);
  }
}

/** Fetching or assembling one chunk failed; names the chunk key and the URL it points at. */
export class ChunkReadError extends RefsError {
  override name = "ChunkReadError";
  constructor(
    readonly key: string,
    readonly url: string | undefined,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`chunk ${key}${url ? ` (${url})` : ""}: ${detail}`, options);
  }
}

registerErrors({ ArrayMetadataError, ChunkReadError });
