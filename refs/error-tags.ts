/**
 * Error classes that keep their class across a worker-thread boundary. Structured clone turns every Error into a
 * plain Error, so each error module registers its classes under a tag; an error is sent as its tags (own class
 * first, then the registered classes it extends), name, message, fields and cause chain, and rebuilt on the other
 * side as the first tag the receiving thread knows, so `isError(e, GridError)` holds as it does in one thread.
 */
type ErrorClass = abstract new (...args: never[]) => Error;

const classes = new Map<string, ErrorClass>();
const tags = new Map<ErrorClass, string>();

/** Register error classes under their keys: `registerErrors({ NotFoundError, AccessDeniedError })`. */
export function registerErrors(entries: Record<string, ErrorClass>): void {
  for (const [tag, cls] of Object.entries(entries)) {
    const known = classes.get(tag);
    if (known && known !== cls) throw new TypeError(`error tag ${tag} is registered twice`);
    classes.set(tag, cls);
    tags.set(cls, tag);
  }
}

/** An error as it crosses a thread: only structured-clonable values. */
export interface SerialisedError {
  /** Registered classes of the error, its own first; empty when none is registered. */
  tags: string[];
  name: string;
  message: string;
  stack?: string;
  fields: Record<string, unknown>;
  cause?: SerialisedError | { value: unknown };
}

/** How deep a cause chain is followed (a cycle or a very long chain stops here). */
const MAX_CAUSES = 16;

export function serialiseError(error: unknown, depth = 0): SerialisedError {
  if (!(error instanceof Error)) return { tags: [], name: "Error", message: String(error), fields: {} };
  const found: string[] = [];
  for (let proto = Object.getPrototypeOf(error); proto; proto = Object.getPrototypeOf(proto)) {
    const tag = tags.get(proto.constructor);
    if (tag) found.push(tag);
  }
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (key === "name" || key === "message" || key === "stack" || key === "cause") continue;
    fields[key] = clonable(value) ? value : String(value);
  }
  const out: SerialisedError = {
    tags: found,
    name: error.name,
    message: error.message,
    stack: error.stack,
    fields,
  };
  if (error.cause !== undefined && depth < MAX_CAUSES) {
    out.cause =
      error.cause instanceof Error
        ? serialiseError(error.cause, depth + 1)
        : { value: clonableCause(error.cause) };
  }
  return out;
}

/** The error again, as an instance of its first registered class (a plain Error when none is known here). */
export function reviveError(sent: SerialisedError): Error {
  const cls = sent.tags.map((t) => classes.get(t)).find((c) => c !== undefined);
  const error: Error = cls ? Object.create(cls.prototype) : new Error();
  Object.defineProperty(error, "message", { value: sent.message, writable: true, configurable: true });
  Object.defineProperty(error, "stack", { value: sent.stack, writable: true, configurable: true });
  Object.assign(error, sent.fields, { name: sent.name });
  if (sent.cause !== undefined) {
    const cause = "tags" in sent.cause ? reviveError(sent.cause) : sent.cause.value;
    Object.defineProperty(error, "cause", { value: cause, writable: true, configurable: true });
  }
  return error;
}

function clonable(value: unknown): boolean {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

function clonableCause(value: unknown): unknown {
  return clonable(value) ? value : String(value);
}
