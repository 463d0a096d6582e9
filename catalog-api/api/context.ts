import type { Context } from "hono";
import type { CatalogStore } from "../backend/store.js";

export interface ApiOptions {
  store: CatalogStore;
  /** Bearer token that enables the transaction routes; without it they answer 405. */
  token?: string;
  title?: string;
  description?: string;
  /**
   * Local STAC schema folder (like ../shared/stac-schemas): transactions validate against it as well as the
   * structural checks every write runs. Without it only the structural checks run (schemas are never fetched
   * from the network on a request).
   */
  schemasDir?: string;
  /** Largest accepted request body in bytes (default 4 MiB). */
  bodyLimit?: number;
}

/** The API's base URL as the client reached it (scheme, host and port), without a trailing slash. */
export function baseUrl(c: Context): string {
  return new URL(c.req.url).origin;
}
