/**
 * Base of every error refs throws on purpose. Each subclass carries the fields a caller needs (the URL, the
 * object, the offset) and the underlying `cause`, so a message can name what went wrong without string parsing.
 */
export class RefsError extends Error {
  override name = "RefsError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Narrow an unknown thrown value to an error class, e.g. `isError(e, NotFoundError)`. */
export function isError<T extends Error>(
  value: unknown,
  cls: abstract new (...args: never[]) => T,
): value is T {
  return value instanceof cls;
}

import { registerErrors } from "./error-tags.js";

registerErrors({ RefsError });

export { registerErrors, reviveError, type SerialisedError, serialiseError } from "./error-tags.js";
