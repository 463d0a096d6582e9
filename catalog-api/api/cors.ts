import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";

/**
 * CORS for browser clients (STAC Browser runs in the page of another origin): any origin may read and search;
 * when transactions are on, the writing methods and the Authorization header are allowed too. No credentials
 * mode: the bearer token is sent as a plain header, so cookies never matter.
 */
export function corsMiddleware(transactions: boolean): MiddlewareHandler {
  return cors({
    origin: "*",
    allowMethods: transactions
      ? ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
      : ["GET", "HEAD", "POST", "OPTIONS"],
    allowHeaders: transactions ? ["Content-Type", "Accept", "Authorization"] : ["Content-Type", "Accept"],
    maxAge: 86400,
  });
}
