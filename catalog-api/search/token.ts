import { CatalogInputError } from "../errors.js";

/**
 * Where a page starts: after the item with these sort-key values and pk (a next link), or, with `before`, just
 * before it (a prev link, from the first item of a page); and which sort the values belong to.
 */
export interface Keyset {
  sort: string;
  values: (string | number | boolean | null)[];
  pk: number;
  before?: boolean;
}

export function encodeToken(k: Keyset): string {
  const parts = k.before ? [k.sort, k.values, k.pk, "before"] : [k.sort, k.values, k.pk];
  return Buffer.from(JSON.stringify(parts)).toString("base64url");
}

/** Decode and check a paging token; it comes from the client, so every part is checked before it is bound. */
export function decodeToken(token: string, sort: string, keys: number): Keyset {
  const bad = (why: string) =>
    new CatalogInputError(`is not a paging token of this search (${why})`, "token");
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw bad("not base64url JSON");
  }
  if (!Array.isArray(parsed) || parsed.length < 3 || parsed.length > 4) throw bad("wrong shape");
  const [s, values, pk, direction] = parsed as [unknown, unknown, unknown, unknown];
  if (direction !== undefined && direction !== "before") throw bad("wrong direction");
  if (s !== sort) throw bad("made for another sort order");
  if (!Array.isArray(values) || values.length !== keys) throw bad("wrong number of sort values");
  if (!values.every((v) => v === null || ["string", "number", "boolean"].includes(typeof v)))
    throw bad("bad sort value");
  if (typeof pk !== "number" || !Number.isSafeInteger(pk)) throw bad("bad position");
  return { sort, values: values as Keyset["values"], pk, ...(direction ? { before: true } : {}) };
}
