import type { Expr, Scalar, TemporalOp } from "../cql2/ast.js";
import { CatalogInputError } from "../errors.js";
import { TIME_MAX, TIME_MIN } from "../search/time-bounds.js";
import { all, type DuckFragment, double, frag, ident, join, timestamptz } from "./duck-sql.js";
import type { CellsLayout } from "./layout.js";

type Group = "number" | "time";
interface Typed {
  sql: DuckFragment;
  group: Group;
}

function fail(message: string): never {
  throw new CatalogInputError(message, "filter");
}

/**
 * Compile a CQL2 tree (from the catalog's own parser) to a DuckDB condition on the rows of the H3 table. Only the
 * table's variables, `time` and `count` may be named; every literal is a typed bound parameter, so nothing a
 * client writes becomes SQL text. Spatial and H3 tests belong to the bbox and h3 parameters.
 */
export function compileCellsFilter(expr: Expr, layout: CellsLayout): DuckFragment {
  const columns = new Map<string, Group>(layout.variables.map((v) => [v, "number"]));
  if (layout.count) columns.set("count", "number");
  if (layout.time) columns.set("time", "time");
  return new FilterCompiler(columns).expr(expr);
}

class FilterCompiler {
  constructor(private readonly columns: Map<string, Group>) {}

  expr(e: Expr): DuckFragment {
    switch (e.kind) {
      case "and":
      case "or":
        return all(
          e.args.map((a) => this.expr(a)),
          e.kind === "and" ? "AND" : "OR",
        );
      case "not":
        return join(["NOT (", this.expr(e.arg), ")"]);
      case "bool":
        return frag(e.value ? "TRUE" : "FALSE");
      case "compare": {
        const [l, r] = this.pair(e.left, e.right, "comparison");
        return join(["(", l.sql, ` ${e.op} `, r.sql, ")"]);
      }
      case "between": {
        const [v, lo] = this.pair(e.value, e.low, "BETWEEN");
        const hi = this.scalar(e.high);
        this.agree(v, hi, "BETWEEN");
        return join(["(", v.sql, " BETWEEN ", lo.sql, " AND ", hi.sql, ")"]);
      }
      case "in": {
        const v = this.scalar(e.value);
        const list = e.list.map((x) => this.scalar(x));
        for (const x of list) this.agree(v, x, "IN");
        return join([
          "(",
          v.sql,
          " IN (",
          join(
            list.map((x) => x.sql),
            ", ",
          ),
          "))",
        ]);
      }
      case "isNull":
        return join(["(", this.scalar(e.value).sql, " IS NULL)"]);
      case "temporal":
        return this.temporal(e.op, e.left, e.right);
      case "like":
        return fail("LIKE needs text, and the cells have only numbers and time");
      case "spatial":
        return fail("spatial tests are not supported on cells: use the bbox or h3 parameter");
      case "array":
        return fail("array functions are not supported on cells: the cells have only numbers and time");
      case "h3":
        return fail("h3_intersects is not supported on cells: use the h3 parameter");
    }
  }

  private pair(a: Scalar, b: Scalar, what: string): [Typed, Typed] {
    const l = this.scalar(a);
    const r = this.scalar(b);
    this.agree(l, r, what);
    return [l, r];
  }

  private agree(l: Typed, r: Typed, what: string): void {
    if (l.group !== r.group) fail(`${what} mixes a ${l.group} with a ${r.group}`);
  }

  private scalar(s: Scalar): Typed {
    switch (s.kind) {
      case "property": {
        const group = this.columns.get(s.name);
        if (!group)
          fail(
            `"${s.name}" is not a column of these cells (${[...this.columns.keys()].join(", ") || "none"})`,
          );
        return { sql: frag(ident(s.name)), group };
      }
      case "number":
        if (!Number.isFinite(s.value)) fail(`${s.value} is not a finite number`);
        return { sql: frag("?", double(s.value)), group: "number" };
      case "timestamp":
      case "date":
        return { sql: frag("?", timestamptz(s.ms)), group: "time" };
      case "string":
        return fail(`'${s.value.slice(0, 40)}' is text; the cells have only numbers and time`);
      case "boolean":
        return fail("the cells have no boolean columns");
      case "interval":
        return fail("an INTERVAL can only be used in a temporal function");
      case "geometry":
        return fail("a geometry cannot be used on cells: use the bbox parameter");
      case "array":
        return fail("an array cannot be used on cells: the cells have only numbers and time");
      case "casei":
      case "accenti":
        return fail(`${s.kind.toUpperCase()} needs text; the cells have only numbers and time`);
    }
  }

  /** An operand of a temporal function as [start, end]; `time` is an instant, open interval ends the far past/future. */
  private span(s: Scalar): [DuckFragment, DuckFragment] {
    if (s.kind === "property") {
      if (this.scalar(s).group !== "time") fail(`"${s.name}" is not a time column`);
      return [frag(ident(s.name)), frag(ident(s.name))];
    }
    const at = (ms: number) => frag("?", timestamptz(ms));
    if (s.kind === "timestamp" || s.kind === "date") return [at(s.ms), at(s.ms)];
    if (s.kind === "interval") {
      if (s.start > s.end) fail("INTERVAL ends before it starts");
      return [at(Math.max(s.start, TIME_MIN)), at(Math.min(s.end, TIME_MAX))];
    }
    return fail("temporal functions take time, timestamps, dates or intervals");
  }

  private temporal(op: TemporalOp, a: Scalar, b: Scalar): DuckFragment {
    const [as, ae] = this.span(a);
    const [bs, be] = this.span(b);
    const c = (x: DuckFragment, o: string, y: DuckFragment) => join([x, ` ${o} `, y]);
    // Allen's interval relations, as CQL2 defines them
    const relation: Record<TemporalOp, DuckFragment[]> = {
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
