import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { isError } from "../../refs/errors.js";
import { CatalogInputError, CatalogStoreError, StacValidationError } from "../errors.js";

const CODES: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  409: "Conflict",
  413: "PayloadTooLarge",
  500: "InternalServerError",
  501: "NotImplemented",
};

/** Throw from any route: the one error handler turns it into a STAC error body with this status. */
export function apiError(status: ContentfulStatusCode, description: string): HTTPException {
  return new HTTPException(status, { message: description });
}

/**
 * The single error handler: every failure becomes `{code, description}` with a 4xx (or a 500 that names no
 * internals); stack traces never leave the server.
 */
export function errorResponse(err: unknown, c: Context): Response {
  let status = 500;
  let description = "internal error";
  if (err instanceof HTTPException) {
    status = err.status;
    description = err.message || CODES[status] || "error";
  } else if (isError(err, CatalogInputError)) {
    status = 400;
    description = err.message;
  } else if (isError(err, StacValidationError)) {
    status = 400;
    description = err.message;
  } else if (isError(err, CatalogStoreError)) {
    console.error(err);
    description = "the catalog store failed";
  } else {
    console.error(err);
  }
  const headers: Record<string, string> = {};
  const challenge = c.res.headers.get("www-authenticate");
  if (status === 401 && challenge) headers["www-authenticate"] = challenge;
  return c.json({ code: CODES[status] ?? "Error", description }, status as ContentfulStatusCode, headers);
}
