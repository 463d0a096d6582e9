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

/**
 * A chunk decoded to a byte length other than its chunk shape x item size requires. Such bytes are never padded,
 * cut or reinterpreted: a short tile (a wrong TileLength, a codec that stops early) would otherwise read as fill
 * or shifted values. `key` and `arrayPath` are undefined where the reader does not say which chunk it decodes
 * (zarrita's codec pipeline).
 */
export class ChunkSizeError extends ChunkReadError {
  override name = "ChunkSizeError";
  constructor(
    key: string | undefined,
    readonly arrayPath: string | undefined,
    readonly expectedBytes: number,
    readonly actualBytes: number,
    readonly layout: string,
    options?: { url?: string; cause?: unknown },
  ) {
    super(
      key ?? "(key not given by the reader)",
      options?.url,
      `decoded to ${actualBytes} bytes, expected ${expectedBytes} (${layout})`,
      options,
    );
  }
}

registerErrors({ ArrayMetadataError, ChunkReadError, ChunkSizeError });
