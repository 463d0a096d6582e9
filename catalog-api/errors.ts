import { RefsError } from "../refs/errors.js";

/** Something a catalog caller asked for is malformed: a bad cell, datetime, filter, token... (an HTTP 400). */
export class CatalogInputError extends RefsError {
  override name = "CatalogInputError";
  constructor(
    message: string,
    readonly parameter: string,
    options?: { cause?: unknown },
  ) {
    super(`${parameter}: ${message}`, options);
  }
}

/** A STAC object failed schema validation; `errors` are the validator's messages with their JSON paths. */
export class StacValidationError extends RefsError {
  override name = "StacValidationError";
  constructor(
    readonly objectId: string,
    readonly errors: string[],
    options?: { cause?: unknown },
  ) {
    super(`STAC object ${objectId} is invalid: ${errors.slice(0, 5).join("; ")}`, options);
  }
}

/** The catalog store could not do what was asked (connection, schema, constraint). */
export class CatalogStoreError extends RefsError {
  override name = "CatalogStoreError";
  constructor(
    message: string,
    readonly backend: string,
    options?: { cause?: unknown },
  ) {
    super(`${backend} catalog store: ${message}`, options);
  }
}

/** A serving process of `refs serve --processes N` failed to start. */
export class ServeProcessError extends RefsError {
  override name = "ServeProcessError";
  constructor(
    message: string,
    readonly pid: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
