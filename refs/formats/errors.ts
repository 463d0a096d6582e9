import { RefsError } from "../errors.js";

/** A reference file is malformed; names the file (when known), the key and what is wrong with it. */
export class ReferenceFormatError extends RefsError {
  override name = "ReferenceFormatError";
  constructor(
    readonly key: string | undefined,
    readonly detail: string,
    readonly file?: string,
    options?: { cause?: unknown },
  ) {
    super(`${file ? `${file}: ` : ""}${key !== undefined ? `key "${key}": ` : ""}${detail}`, options);
  }
}
