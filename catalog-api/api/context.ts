import type { Context } from "hono";
import type { CatalogStore } from "../backend/store.js";
import { type PublicUrlOptions, requestBaseUrl } from "./public-url.js";

export interface ApiOptions extends PublicUrlOptions {
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
  /**
   * Folders and s3://, gs:// or http(s):// prefixes whose Parquet files /collections/{id}/cells may read (the
   * projects' compute outputs). An item's data href outside them is refused (403), so a holder of the write token
   * cannot make the server read another file. None: /cells reads nothing.
   */
  dataRoots?: readonly string[];
  /** Largest accepted request body in bytes (default 4 MiB). */
  bodyLimit?: number;
}

/** The API's base URL as clients reach it (see public-url.ts), without a trailing slash. */
export function baseUrl(c: Context): string {
  return requestBaseUrl(c);
}

/** This request's URL rebuilt on the base URL (the path within the API and the query string as sent). */
export function requestUrl(c: Context): string {
  return `${baseUrl(c)}${c.req.path}${new URL(c.req.url).search}`;
}
