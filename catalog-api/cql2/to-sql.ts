import type { Dialect } from "../backend/dialect.js";
import { type Fragment, sql } from "../backend/sql.js";
import { invalidReason } from "../geometry/relate.js";
import { h3Match } from "../search/h3-filter.js";
import type { Queryable } from "../search/queryables.js";
import type { Expr } from "./ast.js";
import { compileCql2, type FilterTarget, fail } from "./sql-compiler.js";
import { SQL_DIALECTS } from "./sql-dialects.js";

/**
 * Compile a CQL2 tree to a SQL condition over `items`. Property names are looked up in the queryables (an unknown
 * name is a 400); every literal becomes a bound parameter; operand types must agree.
 */
export function compileFilter(expr: Expr, queryables: Queryable[], dialect: Dialect): Fragment {
  const condition = compileCql2(expr, itemsTarget(queryables, dialect), SQL_DIALECTS[dialect.name]);
  return isLargeFilter(expr) ? dialect.opaque(condition) : condition;
}

/** A filter with so many predicates that the database gets it as one opaque test (and one reusable plan). */
export function isLargeFilter(expr: Expr): boolean {
  return predicates(expr) > OPAQUE_ABOVE;
}

/** Filters with more predicates than this are handed to the database as one opaque test (Dialect.opaque). */
const OPAQUE_ABOVE = 64;

/** Whether a filter holds a spatial predicate (an exact geometry test per row). */
export function hasSpatial(e: Expr): boolean {
  if (e.kind === "and" || e.kind === "or") return e.args.some(hasSpatial);
  if (e.kind === "not") return hasSpatial(e.arg);
  return e.kind === "spatial";
}

function predicates(e: Expr): number {
  if (e.kind === "and" || e.kind === "or") {
    let n = 0;
    for (const a of e.args) n += predicates(a);
    return n;
  }
  return e.kind === "not" ? predicates(e.arg) : 1;
}

/** The catalog's items as a filter target: the queryables, and the store's spatial, array and H3 tests. */
function itemsTarget(queryables: Queryable[], d: Dialect): FilterTarget {
  const byName = new Map(queryables.map((q) => [q.name, q]));
  const property = (name: string): Queryable => {
    const q = byName.get(name);
    if (!q) fail(`"${name}" is not a queryable property (see /queryables)`);
    return q;
  };
  return {
    property(name) {
      const q = property(name);
      switch (q.kind) {
        case "column":
          return { sql: sql(`items.${q.column}`), group: "string" };
        case "time":
          return { sql: sql(`items.${q.start}`), group: "time" };
        case "geometry":
        case "h3":
          return { sql: sql("NULL"), group: q.kind };
        case "json":
          return { sql: d.jsonProperty(q.name, q.type), group: q.type === "integer" ? "number" : q.type };
      }
    },
    span(name) {
      const q = property(name);
      if (q.kind !== "time") fail(`"${name}" is not a time property`);
      return [sql(`items.${q.start}`), sql(`items.${q.end}`)];
    },
    lacks: () => undefined,
    boolean: (v) => d.boolean(v),
    casei: (f) => d.casei(f),
    accenti: (f) => d.accenti(f),
    spatial(op, _property, geometry) {
      if (op === "s_intersects") return d.intersects(geometry);
      // an invalid shape (a self-crossing ring) has no DE-9IM relation: both backends would fail on it
      const invalid = invalidReason(geometry);
      if (invalid) fail(`${op.toUpperCase()} needs a valid geometry: ${invalid}`);
      return d.relate(op, geometry);
    },
    array(op, name, values) {
      const q = property(name);
      if (q.kind !== "json" && q.kind !== "h3")
        fail(`${op.toUpperCase()} needs a property of the item's properties, not "${q.name}"`);
      return d.arrayOp(op, q.name, values);
    },
    h3(name, cells) {
      if (byName.get(name)?.kind !== "h3")
        fail(`h3_intersects needs an H3 property such as "h3:cells", not "${name}"`);
      return h3Match(cells, d, "filter");
    },
  };
}
