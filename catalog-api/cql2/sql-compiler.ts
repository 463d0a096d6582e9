/**
 * The one CQL2 -> SQL compiler: a tree from our parser becomes a SQL condition with every literal a bound
 * parameter, in a dialect of SQL_DIALECTS, over a target that says what the properties are (the catalog's items
 * through their queryables, or the cells' Parquet columns) and which functions it has. Operand types must agree;
 * anything the target lacks is a 400 naming it, never SQL text.
 */
import type { Geometry } from "geojson";
import { all, concat, type Fragment, sql } from "../backend/sql.js";
import { CatalogInputError } from "../errors.js";
import { TIME_MAX, TIME_MIN } from "../search/time-bounds.js";
import type { ArrayElement, ArrayOp, Expr, Scalar, SpatialOp, TemporalOp } from "./ast.js";
import type { SqlDialect } from "./sql-dialects.js";

export type Group = "string" | "number" | "boolean" | "time" | "geometry" | "h3";

export interface Typed {
  sql: Fragment;
  group: Group;
}

/** What a filter runs over. Optional functions the target lacks are refused with `lacks`' message. */
export interface FilterTarget {
  /** A property as SQL and its type; a name the target does not have fails (with fail()). */
  property(name: string): Typed;
  /** A time property as a temporal operand [start, end] (an instant is [t, t]). */
  span(name: string): [Fragment, Fragment];
  /** Why something is not available here, by what was asked ("LIKE", "spatial", "array", "h3", "boolean", ...). */
  lacks(what: "text" | "boolean" | "spatial" | "array" | "h3" | "casei" | "accenti"): string | undefined;
  boolean?(value: boolean): Fragment;
  casei?(f: Fragment): Fragment;
  accenti?(f: Fragment): Fragment;
  /** `property OP literal` for a spatial function (the operator already turned for a literal-first call). */
  spatial?(op: SpatialOp, property: string, geometry: Geometry): Fragment;
  /** `property OP literal` for an array function (turned likewise). */
  array?(op: ArrayOp, property: string, values: ArrayElement[]): Fragment;
  h3?(property: string, cells: string[]): Fragment;
}

export function fail(message: string): never {
  throw new CatalogInputError(message, "filter");
}

export function compileCql2(expr: Expr, target: FilterTarget, dialect: SqlDialect): Fragment {
  return new Compiler(target, dialect).expr(expr);
}

class Compiler {
  constructor(
    private readonly t: FilterTarget,
    private readonly d: SqlDialect,
  ) {}

  private need<K extends "text" | "boolean" | "spatial" | "array" | "h3" | "casei" | "accenti">(
    what: K,
  ): void {
    const why = this.t.lacks(what);
    if (why) fail(why);
  }

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
        this.need("text");
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
      case "isNull":
        return concat("(", this.scalar(e.value).sql, " IS NULL)");
      case "spatial":
        return this.spatial(e.op, e.left, e.right);
      case "array":
        return this.array(e.op, e.left, e.right);
      case "temporal":
        return this.temporal(e.op, e.left, e.right);
      case "h3":
        this.need("h3");
        return this.t.h3!(e.property, e.cells);
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

  private scalar(s: Scalar): Typed {
    switch (s.kind) {
      case "property":
        return this.t.property(s.name);
      case "string":
        this.need("text");
        return { sql: this.d.text(s.value), group: "string" };
      case "number":
        if (!Number.isFinite(s.value)) fail(`${s.value} is not a finite number`);
        return { sql: this.d.number(s.value), group: "number" };
      case "boolean":
        this.need("boolean");
        return { sql: this.t.boolean!(s.value), group: "boolean" };
      case "timestamp":
      case "date":
        return { sql: this.d.time(s.ms), group: "time" };
      case "interval":
        return fail("an INTERVAL can only be used in a temporal function");
      case "geometry":
        this.need("spatial");
        return fail("a geometry can only be used in a spatial function (S_INTERSECTS, S_CONTAINS, ...)");
      case "array":
        this.need("array");
        return fail("an array can only be used in an array function (A_EQUALS, A_CONTAINS, ...)");
      case "casei":
      case "accenti": {
        this.need(s.kind);
        const arg = this.scalar(s.arg);
        if (arg.group !== "string") fail(`${s.kind.toUpperCase()} takes a string, not a ${arg.group}`);
        const f = s.kind === "casei" ? this.t.casei!(arg.sql) : this.t.accenti!(arg.sql);
        return { sql: f, group: "string" };
      }
    }
  }

  private spatial(op: SpatialOp, a: Scalar, b: Scalar): Fragment {
    this.need("spatial");
    const name = op.toUpperCase();
    const [prop, lit] = a.kind === "property" ? [a, b] : [b, a];
    if (prop.kind !== "property" || this.t.property(prop.name).group !== "geometry")
      fail(`${name} needs the geometry property on one side`);
    if (lit.kind !== "geometry") fail(`${name} needs a geometry literal on the other side`);
    // the SQL always reads "property OP literal": with the literal first, contains and within change places
    const turned = op === "s_contains" ? "s_within" : op === "s_within" ? "s_contains" : op;
    return this.t.spatial!(a.kind === "property" ? op : turned, prop.name, lit.geometry);
  }

  private array(op: ArrayOp, a: Scalar, b: Scalar): Fragment {
    this.need("array");
    const name = op.toUpperCase();
    const [prop, lit] = a.kind === "property" ? [a, b] : [b, a];
    if (prop.kind !== "property" || lit.kind !== "array")
      fail(`${name} needs a property on one side and an array literal on the other`);
    // the SQL always reads "property OP literal": with the literal first, contains and containedby change places
    const turned = op === "a_contains" ? "a_containedby" : op === "a_containedby" ? "a_contains" : op;
    return this.t.array!(a.kind === "property" ? op : turned, prop.name, lit.values);
  }

  /** An operand of a temporal function as a [start, end] pair; open interval ends are the far past/future. */
  private span(s: Scalar): [Fragment, Fragment] {
    if (s.kind === "property") return this.t.span(s.name);
    if (s.kind === "timestamp" || s.kind === "date") return [this.d.time(s.ms), this.d.time(s.ms)];
    if (s.kind === "interval") {
      if (s.start > s.end) fail("INTERVAL ends before it starts");
      return [this.d.time(Math.max(s.start, TIME_MIN)), this.d.time(Math.min(s.end, TIME_MAX))];
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
