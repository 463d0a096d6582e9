import type { Hono } from "hono";
import type { CatalogStore } from "../../catalog-api/backend/store.js";
import type { StacItem } from "../../catalog-api/stac/types.js";

// biome-ignore lint/suspicious/noExplicitAny: responses are read field by field in assertions
export type Json = Record<string, any>;

export interface Answer {
  status: number;
  body: Json;
  type?: string | null;
}

/**
 * SQL run around the API (a row written before the write checks existed, or by hand): each backend's test file
 * says how, since the store has no way to write unchecked rows on purpose.
 */
export type RawSql = (store: CatalogStore, text: string, params: unknown[]) => Promise<void>;

/** What the conformance suite hands the test groups it registers (see api-suite.ts). */
export interface SuiteContext {
  name: string;
  items: StacItem[];
  store(): CatalogStore;
  app(): Hono;
  get(path: string, a?: Hono): Promise<Answer>;
  post(
    path: string,
    body: unknown,
    headers?: Record<string, string>,
    method?: string,
    a?: Hono,
  ): Promise<Answer>;
  collect(first: Answer): Promise<string[]>;
  searchIds(query: string): Promise<string[]>;
  /** `?` placeholders on both backends. */
  rawSql(text: string, params: unknown[]): Promise<void>;
}

export const TOKEN = "s3cret-token";
export const AUTH = { authorization: `Bearer ${TOKEN}` };
export const sorted = (a: string[]) => [...a].sort();
