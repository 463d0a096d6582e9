import type { Dialect } from "../backend/dialect.js";
import { all, concat, type Fragment, sql } from "../backend/sql.js";
import { CatalogInputError } from "../errors.js";
import { invalidReason } from "../geometry/relate.js";
import { h3Match } from "../search/h3-filter.js";
import type { Queryable } from "../search/queryables.js";
import { TIME_MAX, TIME_MIN } from "../search/time-bounds.js";
import type { ArrayOp, Expr, Scalar, SpatialOp, TemporalOp } from "./ast.js";

type Group = "string" | "number" | "boolean" | "time" | "geometry" | "h3";

interface Typed {
  sql: Fragment;
  group: Group;
}

/**
 * Compile a CQL2 tree to a SQL condition over `items`. Property names are looked up in the queryables (an unknown
 * name is a 400); every literal becomes a bound parameter; operand types must agree.
 */
export function compileFilter(expr: Expr, queryables: Queryable[], dialect: Dialect): Fragment {
  const byName = new Map(queryables.map((q) => [q.name, q]));
  const c = new Compiler(byName, dialect);
  const condition = c.expr(expr);
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

function fail(message: string): never {
  throw new CatalogInputError(message, "filter");
}

class Compiler {
  constructor(
    private readonly queryables: Map<string, Queryable>,
    private readonly d: Dialect,
  ) {}

  expr(e: Expr): Fragment {
    switch (e.kind) {
      case "and":
        return all(
          e.args.map((a) => this.expr(a)),
          "AND",
        );
      case "or":
        return all(
          equalitiesAsIn(e.args).map((a) => this.expr(a)),
          "OR",
        );
      case "not":
        return concat("NOT (", this.expr(e.arg), ")");
      case "bool":
        return sql(e.value ? "1=1" : "1=0");
      case "compare": {
        const [l, r] = this.pair(e.left, e.right, "comparison");
        if (l.group === "geometry" || l.group === "h3") fail(`"${e.op}" cannot compare ${l.group} values`);
        return concat("(", l.sql, ` ${e.op} `, r.sql, ")");
      }
      case "like": {
        const [v, p] = this.pair(e.value, e.pattern, "LIKE");
        if (v.group !== "string") fail("LIKE works on strings only");
        return concat("(", v.sql, " LIKE ", p.sql, " ESCAPE '\\')");
      }
      case "between": {
        const v = this.scalar(e.value);
        const lo = this.scalar(e.low);
        const hi = this.scalar(e.high);
        if (v.group !== "number" || lo.group !== "number" || hi.group !== "number")
          fail("BETWEEN works on numbers only");
        return concat("(", v.sql, " BETWEEN ", lo.sql, " AND ", hi.sql, ")");
      }
      case "in": {
        const v = this.scalar(e.value);
        const list = e.list.map((x) => this.scalar(asTypeOf(v, x)));
        for (const x of list) this.agree(v, x, "IN");
        return concat("(", v.sql, " IN (", ...list.flatMap((x, i) => (i ? [", ", x.sql] : [x.sql])), "))");
      }
      case "isNull": {
        const v = this.scalar(e.value);
        return concat("(", v.sql, " IS NULL)");
      }
      case "spatial":
        return this.spatial(e.op, e.left, e.right);
      case "array":
        return this.array(e.op, e.left, e.right);
      case "temporal":
        return this.temporal(e.op, e.left, e.right);
      case "h3": {
        const q = this.queryables.get(e.property);
        if (q?.kind !== "h3")
          fail(`h3_intersects needs an H3 property such as "h3:cells", not "${e.property}"`);
        return h3Match(e.cells, this.d, "filter");
      }
    }
  }

  private pair(a: Scalar, b: Scalar, what: string): [Typed, Typed] {
    const l = this.scalar(a);
    const r = this.scalar(asTypeOf(l, b));
    const l2 = a.kind === "string" && a.loose ? this.scalar(asTypeOf(r, a)) : l;
    this.agree(l2, r, what);
    return [l2, r];
  }

  private agree(l: Typed, r: Typed, what: string): void {
    if (l.group !== r.group) fail(`${what} mixes a ${l.group} with a ${r.group}`);
  }

  private property(name: string): Queryable {
    const q = this.queryables.get(name);
    if (!q) fail(`"${name}" is not a queryable property (see /queryables)`);
    return q;
  }

  private scalar(s: Scalar): Typed {
    switch (s.kind) {
      case "property": {
        const q = this.property(s.name);
        switch (q.kind) {
          case "column":
            return { sql: sql(`items.${q.column}`), group: "string" };
          case "time":
            return { sql: sql(`items.${q.start}`), group: "time" };
          case "geometry":
          case "h3":
            return { sql: sql("NULL"), group: q.kind };
          case "json":
            return {
              sql: this.d.jsonProperty(q.name, q.type),
              group: q.type === "integer" ? "number" : q.type,
            };
        }
        break;
      }
      case "string":
        return { sql: sql("CAST(? AS TEXT)", s.value), group: "string" };
      case "number":
        return { sql: sql("CAST(? AS DOUBLE PRECISION)", s.value), group: "number" };
      case "boolean":
        return { sql: this.d.boolean(s.value), group: "boolean" };
      case "timestamp":
      case "date":
        return { sql: sql("CAST(? AS BIGINT)", s.ms), group: "time" };
      case "interval":
        return fail("an INTERVAL can only be used in a temporal function");
      case "geometry":
        return fail("a geometry can only be used in a spatial function (S_INTERSECTS, S_CONTAINS, ...)");
      case "array":
        return fail("an array can only be used in an array function (A_EQUALS, A_CONTAINS, ...)");
      case "casei":
      case "accenti": {
        const arg = this.scalar(s.arg);
        if (arg.group !== "string") fail(`${s.kind.toUpperCase()} takes a string, not a ${arg.group}`);
        return { sql: s.kind === "casei" ? this.d.casei(arg.sql) : this.d.accenti(arg.sql), group: "string" };
      }
    }
  }

  private spatial(op: SpatialOp, a: Scalar, b: Scalar): Fragment {
    const name = op.toUpperCase();
    const [prop, lit] = a.kind === "property" ? [a, b] : [b, a];
    if (prop.kind !== "property" || this.property(prop.name).kind !== "geometry") {
      fail(`${name} needs the geometry property on one side`);
    }
    if (lit.kind !== "geometry") fail(`${name} needs a geometry literal on the other side`);
    if (op === "s_intersects") return this.d.intersects(lit.geometry);
    // an invalid shape (a self-crossing ring) has no DE-9IM relation: both backends would fail on it
    const invalid = invalidReason(lit.geometry);
    if (invalid) fail(`${name} needs a valid geometry: ${invalid}`);
    // the SQL always reads "item OP literal": with the literal first, contains and within change places
    const itemFirst = a.kind === "property";
    const converse = op === "s_contains" ? "s_within" : op === "s_within" ? "s_contains" : op;
    return this.d.relate(itemFirst ? op : converse, lit.geometry);
  }

  private array(op: ArrayOp, a: Scalar, b: Scalar): Fragment {
    const name = op.toUpperCase();
    const [prop, lit] = a.kind === "property" ? [a, b] : [b, a];
    if (prop.kind !== "property" || lit.kind !== "array")
      fail(`${name} needs a property on one side and an array literal on the other`);
    const q = this.property(prop.name);
    if (q.kind !== "json" && q.kind !== "h3")
      fail(`${name} needs a property of the item's properties, not "${q.name}"`);
    // the SQL always reads "property OP literal": with the literal first, contains and containedby change places
    const converse = op === "a_contains" ? "a_containedby" : op === "a_containedby" ? "a_contains" : op;
    return this.d.arrayOp(a.kind === "property" ? op : converse, q.name, lit.values);
  }

  /** An operand of a temporal function as a [start, end] pair of SQL expressions. */
  private span(s: Scalar): [Fragment, Fragment] {
    if (s.kind === "property") {
      const q = this.property(s.name);
      if (q.kind !== "time") fail(`"${s.name}" is not a time property`);
      return [sql(`items.${q.start}`), sql(`items.${q.end}`)];
    }
    if (s.kind === "timestamp" || s.kind === "date")
      return [sql("CAST(? AS BIGINT)", s.ms), sql("CAST(? AS BIGINT)", s.ms)];
    if (s.kind === "interval") {
      if (s.start > s.end) fail("INTERVAL ends before it starts");
      return [
        sql("CAST(? AS BIGINT)", Math.max(s.start, TIME_MIN)),
        sql("CAST(? AS BIGINT)", Math.min(s.end, TIME_MAX)),
      ];
    }
    return fail("temporal functions take time properties, timestamps, dates or intervals");
  }

  private temporal(op: TemporalOp, a: Scalar, b: Scalar): Fragment {
    const [as, ae] = this.span(a);
    const [bs, be] = this.span(b);
    const c = (x: Fragment, o: string, y: Fragment) => concat(x, ` ${o} `, y);
    // Allen's interval relations, as CQL2 defines them
    const relation: Record<TemporalOp, Fragment[]> = {
      t_after: [c(as, ">", be)],
      t_before: [c(ae, "<", bs)],
      t_contains: [c(as, "<", bs), c(ae, ">", be)],
      t_disjoint: [all([c(ae, "<", bs), c(as, ">", be)], "OR")],
      t_during: [c(as, ">", bs), c(ae, "<", be)],
      t_equals: [c(as, "=", bs), c(ae, "=", be)],
      t_finishedby: [c(as, "<", bs), c(ae, "=", be)],
      t_finishes: [c(as, ">", bs), c(ae, "=", be)],
      t_intersects: [c(as, "<=", be), c(ae, ">=", bs)],
      t_meets: [c(ae, "=", bs)],
      t_metby: [c(as, "=", be)],
      t_overlappedby: [c(as, ">", bs), c(as, "<", be), c(ae, ">", be)],
      t_overlaps: [c(as, "<", bs), c(ae, ">", bs), c(ae, "<", be)],
      t_startedby: [c(as, "=", bs), c(ae, ">", be)],
      t_starts: [c(as, "=", bs), c(ae, "<", be)],
    };
    return all(relation[op], "AND");
  }
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A loose text literal (query extension) read as a number or boolean when the other operand is one. */
function asTypeOf(other: Typed, s: Scalar): Scalar {
  if (s.kind !== "string" || !s.loose) return s;
  const v = s.value.trim();
  if (other.group === "number" && NUMBER.test(v)) return { kind: "number", value: Number(v) };
  if (other.group === "boolean" && (v === "true" || v === "false"))
    return { kind: "boolean", value: v === "true" };
  return s;
}

/**
 * `p = a OR p = b OR ...` as `p IN (a, b, ...)`: one indexed lookup (ids, collections) instead of a chain of
 * comparisons evaluated row by row. Other terms are kept as they are, in their order.
 */
function equalitiesAsIn(args: Expr[]): Expr[] {
  const groups = new Map<string, { value: Scalar; list: Scalar[] }>();
  const out: (Expr | string)[] = [];
  for (const a of args) {
    const eq = a.kind === "compare" && a.op === "=" ? a : undefined;
    const [prop, lit] =
      eq?.left.kind === "property"
        ? [eq.left, eq.right]
        : eq?.right.kind === "property"
          ? [eq.right, eq.left]
          : [];
    if (!prop || !lit || lit.kind === "property" || prop.kind !== "property") {
      out.push(a);
      continue;
    }
    const g = groups.get(prop.name);
    if (g) g.list.push(lit);
    else {
      groups.set(prop.name, { value: prop, list: [lit] });
      out.push(prop.name);
    }
  }
  return out.map((x) => {
    if (typeof x !== "string") return x;
    const g = groups.get(x)!;
    return g.list.length === 1
      ? { kind: "compare", op: "=", left: g.value, right: g.list[0]! }
      : { kind: "in", value: g.value, list: g.list };
  });
}
