import { CatalogInputError } from "../errors.js";
import type { StacCollection } from "../stac/types.js";
import type { FieldsSpec, SortField } from "./request.js";

/**
 * What collection search may sort by: text members (a missing one sorts first, as "") and `datetime`, the start of
 * the overall temporal extent (open or missing sorts first). Ties are broken by id, so the order is total.
 */
export const COLLECTION_SORTABLES = ["id", "title", "description", "license", "datetime"] as const;

/** A collection's position in a sort: the sort values, then its id. */
export type CollectionKey = (string | number | null)[];

export function checkCollectionSort(sortby: SortField[]): void {
  for (const s of sortby)
    if (!(COLLECTION_SORTABLES as readonly string[]).includes(s.field))
      throw new CatalogInputError(
        `"${s.field}" is not sortable here (${COLLECTION_SORTABLES.join(", ")})`,
        "sortby",
      );
}

/**
 * fields on collections: any member path (collections carry extension members of their own), each part non-empty;
 * type, id and links are always kept (see applyFields).
 */
export function checkCollectionFields(spec: FieldsSpec): void {
  for (const path of [...spec.include, ...spec.exclude])
    if (path.split(".").some((p) => p.trim() === ""))
      throw new CatalogInputError(
        `"${path}" is not a member path (like extent.spatial or summaries)`,
        "fields",
      );
}

export function collectionKey(
  c: StacCollection,
  sortby: SortField[],
  start: (c: StacCollection) => number | null,
): CollectionKey {
  const text = (v: unknown) => (typeof v === "string" ? v : "");
  const values = sortby.map((s) =>
    s.field === "datetime" ? start(c) : text((c as Record<string, unknown>)[s.field]),
  );
  return [...values, c.id];
}

/** Compare two keys made with the same sortby (its directions; the id, last, ascending). */
export function compareKeys(a: CollectionKey, b: CollectionKey, sortby: SortField[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    let d = 0;
    if (x === null || y === null) d = x === y ? 0 : x === null ? -1 : 1;
    else d = x < y ? -1 : x > y ? 1 : 0;
    if (d !== 0) return sortby[i]?.direction === "desc" ? -d : d;
  }
  return 0;
}

/** A page token: direction ("+" after, "-" before) and the key of the collection it starts from. */
export function encodeToken(direction: "+" | "-", sortby: SortField[], key: CollectionKey): string {
  const sort = sortby.map((s) => `${s.direction === "desc" ? "-" : "+"}${s.field}`).join(",");
  return direction + Buffer.from(JSON.stringify([sort, key])).toString("base64url");
}

export function decodeToken(token: string, sortby: SortField[]): { back: boolean; key: CollectionKey } {
  const bad = () => new CatalogInputError("is not a token from a next or prev link of this search", "token");
  if (!/^[+-][A-Za-z0-9_-]*$/.test(token)) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token.slice(1), "base64url").toString("utf8"));
  } catch {
    throw bad();
  }
  const sort = sortby.map((s) => `${s.direction === "desc" ? "-" : "+"}${s.field}`).join(",");
  if (
    !Array.isArray(parsed) ||
    parsed[0] !== sort ||
    !Array.isArray(parsed[1]) ||
    parsed[1].length !== sortby.length + 1 ||
    !parsed[1].every((v: unknown) => v === null || typeof v === "string" || typeof v === "number")
  )
    throw bad();
  return { back: token.startsWith("-"), key: parsed[1] as CollectionKey };
}
