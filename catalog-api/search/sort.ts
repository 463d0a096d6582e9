import type { Dialect } from "../backend/dialect.js";
import { concat, type Fragment, sql } from "../backend/sql.js";
import { CatalogInputError } from "../errors.js";
import type { Queryable } from "./queryables.js";
import type { SortField } from "./request.js";

export interface SortKey {
  expr: Fragment;
  direction: "asc" | "desc";
}

/** Turn sortby into SQL expressions, checking each field against the queryables. Values are never NULL. */
export function sortKeys(sortby: SortField[] | undefined, queryables: Queryable[], d: Dialect): SortKey[] {
  const byName = new Map(queryables.map((q) => [q.name, q]));
  return (sortby ?? []).map((s) => {
    const q = byName.get(s.field);
    if (!q)
      throw new CatalogInputError(`"${s.field}" is not a queryable property (see /queryables)`, "sortby");
    switch (q.kind) {
      case "column":
        return { expr: sql(`items.${q.column}`), direction: s.direction };
      case "time":
        return { expr: sql(`items.${q.start}`), direction: s.direction };
      case "json": {
        // missing values sort first ascending: a stand-in keeps keyset comparisons free of NULL
        const stand =
          q.type === "string"
            ? sql("CAST('' AS TEXT)")
            : q.type === "boolean"
              ? d.boolean(false)
              : sql("CAST(-1e308 AS DOUBLE PRECISION)");
        return {
          expr: concat("COALESCE(", d.jsonProperty(q.name, q.type), ", ", stand, ")"),
          direction: s.direction,
        };
      }
      default:
        throw new CatalogInputError(`cannot sort by "${s.field}" (${q.kind})`, "sortby");
    }
  });
}

/** A short signature of the sort, so a token made for one order is refused by another. */
export function sortSignature(sortby: SortField[] | undefined): string {
  return (sortby ?? []).map((s) => `${s.direction === "desc" ? "-" : "+"}${s.field}`).join(",");
}
