import { CatalogInputError } from "../errors.js";
import type { Geometry } from "../geometry/geojson.js";
import { intersects } from "../geometry/intersects.js";
import { invalidReason, relate, toJts } from "../geometry/relate.js";
import type { ArrayElement, ArrayOp, Expr, Scalar, TemporalOp } from "./ast.js";
import { accentFold, caseFold } from "./text-folding.js";

/** Types of the properties an in-memory filter may name. */
export type PropertyType = "string" | "number" | "boolean" | "array" | "time" | "geometry";

/** A property's value: a scalar, a list, a time span [start, end] in epoch ms, or a geometry; null when absent. */
export type Value = string | number | boolean | ArrayElement[] | { span: [number, number] } | Geometry | null;

function fail(message: string): never {
  throw new CatalogInputError(message, "filter");
}

/**
 * A CQL2 tree evaluated in JavaScript over one object, for what is searched in memory (collections; items are
 * searched in SQL, cql2/to-sql.ts). Three-valued like SQL: a missing property makes a comparison unknown (null),
 * and an unknown condition does not match, also under NOT. `check` first: type errors are a 400 before any object
 * is looked at.
 */
export class InMemoryFilter {
  constructor(
    private readonly expr: Expr,
    private readonly types: Record<string, PropertyType>,
  ) {
    this.check(expr);
  }

  matches(get: (name: string) => Value): boolean {
    return this.eval(this.expr, get) === true;
  }

  private type(s: Scalar): PropertyType | "interval" {
    switch (s.kind) {
      case "property": {
        const t = this.types[s.name];
        if (!t) fail(`"${s.name}" is not a queryable property (${Object.keys(this.types).join(", ")})`);
        return t;
      }
      case "string":
      case "casei":
      case "accenti":
        if (s.kind !== "string" && this.type(s.arg) !== "string")
          fail(`${s.kind.toUpperCase()} takes a string`);
        return "string";
      case "number":
      case "boolean":
        return s.kind;
      case "timestamp":
      case "date":
        return "time";
      case "interval":
        return "interval";
      case "geometry":
        return "geometry";
      case "array":
        return "array";
    }
  }

  private check(e: Expr): void {
    const same = (a: Scalar, b: Scalar, what: string, allowed?: PropertyType[]) => {
      const [ta, tb] = [this.type(a), this.type(b)];
      if (ta !== tb) fail(`${what} mixes a ${ta} with a ${tb}`);
      if (allowed && !allowed.includes(ta as PropertyType)) fail(`${what} does not work on ${ta} values`);
    };
    switch (e.kind) {
      case "and":
      case "or":
        for (const a of e.args) this.check(a);
        return;
      case "not":
        this.check(e.arg);
        return;
      case "bool":
        return;
      case "compare":
        same(e.left, e.right, "comparison", ["string", "number", "boolean", "time"]);
        return;
      case "like":
        same(e.value, e.pattern, "LIKE", ["string"]);
        return;
      case "between":
        same(e.value, e.low, "BETWEEN", ["number"]);
        same(e.value, e.high, "BETWEEN", ["number"]);
        return;
      case "in":
        for (const x of e.list) same(e.value, x, "IN", ["string", "number", "boolean", "time"]);
        return;
      case "isNull":
        this.type(e.value);
        return;
      case "spatial": {
        same(e.left, e.right, e.op.toUpperCase(), ["geometry"]);
        const lit = [e.left, e.right].find((s) => s.kind === "geometry");
        if (!lit || ![e.left, e.right].some((s) => s.kind === "property"))
          fail(`${e.op.toUpperCase()} needs the geometry property on one side and a geometry on the other`);
        if (e.op !== "s_intersects" && lit.kind === "geometry") {
          const invalid = invalidReason(lit.geometry);
          if (invalid) fail(`${e.op.toUpperCase()} needs a valid geometry: ${invalid}`);
        }
        return;
      }
      case "temporal":
        for (const s of [e.left, e.right])
          if (!["time", "interval"].includes(this.type(s)))
            fail(`${e.op.toUpperCase()} takes times and intervals`);
        return;
      case "array":
        same(e.left, e.right, e.op.toUpperCase(), ["array"]);
        if (![e.left, e.right].some((s) => s.kind === "property"))
          fail(`${e.op.toUpperCase()} needs a property on one side and an array literal on the other`);
        return;
      case "h3":
        fail("h3_intersects works on items, not here");
    }
  }

  private value(s: Scalar, get: (name: string) => Value): Value {
    switch (s.kind) {
      case "property":
        return get(s.name);
      case "string":
      case "number":
      case "boolean":
        return s.value;
      case "timestamp":
      case "date":
        return { span: [s.ms, s.ms] };
      case "interval":
        return { span: [s.start, s.end] };
      case "geometry":
        return s.geometry;
      case "array":
        return s.values;
      case "casei":
      case "accenti": {
        const v = this.value(s.arg, get);
        return typeof v === "string" ? (s.kind === "casei" ? caseFold(v) : accentFold(v)) : null;
      }
    }
  }

  private eval(e: Expr, get: (name: string) => Value): boolean | null {
    const v = (s: Scalar) => this.value(s, get);
    switch (e.kind) {
      case "and": {
        let out: boolean | null = true;
        for (const a of e.args) {
          const r = this.eval(a, get);
          if (r === false) return false;
          if (r === null) out = null;
        }
        return out;
      }
      case "or": {
        let out: boolean | null = false;
        for (const a of e.args) {
          const r = this.eval(a, get);
          if (r === true) return true;
          if (r === null) out = null;
        }
        return out;
      }
      case "not": {
        const r = this.eval(e.arg, get);
        return r === null ? null : !r;
      }
      case "bool":
        return e.value;
      case "compare": {
        const [a, b] = [scalarOf(v(e.left)), scalarOf(v(e.right))];
        if (a === null || b === null) return null;
        return compare(a, b, e.op);
      }
      case "like": {
        const [a, p] = [v(e.value), v(e.pattern)];
        if (typeof a !== "string" || typeof p !== "string") return null;
        return likeRegExp(p).test(a);
      }
      case "between": {
        const [a, lo, hi] = [v(e.value), v(e.low), v(e.high)];
        if (typeof a !== "number" || typeof lo !== "number" || typeof hi !== "number") return null;
        return a >= lo && a <= hi;
      }
      case "in": {
        const a = scalarOf(v(e.value));
        if (a === null) return null;
        return e.list.some((x) => {
          const b = scalarOf(v(x));
          return b !== null && compare(a, b, "=");
        });
      }
      case "isNull":
        return v(e.value) === null;
      case "spatial": {
        const [a, b] = [v(e.left), v(e.right)] as (Geometry | null)[];
        if (!a || !b) return null;
        if (e.op === "s_intersects") return intersects(a, b);
        if (e.op === "s_disjoint") return !intersects(a, b);
        return relate(toJts(a), toJts(b), e.op);
      }
      case "temporal": {
        const [a, b] = [v(e.left), v(e.right)] as ({ span: [number, number] } | null)[];
        if (!a || !b) return null;
        return allen(e.op, a.span, b.span);
      }
      case "array": {
        const [a, b] = [v(e.left), v(e.right)];
        if (!Array.isArray(a) || !Array.isArray(b)) return null;
        return arrayOp(e.op, a, b);
      }
      case "h3":
        return fail("h3_intersects works on items, not here");
    }
  }
}

function scalarOf(v: Value): string | number | boolean | null {
  if (v === null || Array.isArray(v)) return null;
  if (typeof v === "object") return "span" in v ? v.span[0] : null;
  return v;
}

function compare(a: string | number | boolean, b: string | number | boolean, op: string): boolean {
  switch (op) {
    case "=":
      return a === b;
    case "<>":
      return a !== b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    default:
      return a >= b;
  }
}

/** CQL2 LIKE: % any run, _ one character, backslash escapes; case-sensitive, whole string. */
function likeRegExp(pattern: string): RegExp {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\" && i + 1 < pattern.length) out += escapeRegExp(pattern[++i]!);
    else if (c === "%") out += "[\\s\\S]*";
    else if (c === "_") out += "[\\s\\S]";
    else out += escapeRegExp(c);
  }
  return new RegExp(`^${out}$`, "u");
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** Allen's relations between spans, as cql2/to-sql.ts writes them in SQL. */
function allen(op: TemporalOp, [as, ae]: [number, number], [bs, be]: [number, number]): boolean {
  switch (op) {
    case "t_after":
      return as > be;
    case "t_before":
      return ae < bs;
    case "t_contains":
      return as < bs && ae > be;
    case "t_disjoint":
      return ae < bs || as > be;
    case "t_during":
      return as > bs && ae < be;
    case "t_equals":
      return as === bs && ae === be;
    case "t_finishedby":
      return as < bs && ae === be;
    case "t_finishes":
      return as > bs && ae === be;
    case "t_intersects":
      return as <= be && ae >= bs;
    case "t_meets":
      return ae === bs;
    case "t_metby":
      return as === be;
    case "t_overlappedby":
      return as > bs && as < be && ae > be;
    case "t_overlaps":
      return as < bs && ae > bs && ae < be;
    case "t_startedby":
      return as === bs && ae > be;
    case "t_starts":
      return as === bs && ae < be;
  }
}

const same = (a: unknown, b: unknown) => typeof a === typeof b && a === b;
const has = (list: unknown[], x: unknown) => list.some((y) => same(x, y));

function arrayOp(op: ArrayOp, a: unknown[], b: unknown[]): boolean {
  switch (op) {
    case "a_equals":
      return a.length === b.length && a.every((x, i) => same(x, b[i]));
    case "a_contains":
      return b.every((x) => has(a, x));
    case "a_containedby":
      return a.every((x) => has(b, x));
    case "a_overlaps":
      return a.some((x) => has(b, x));
  }
}
