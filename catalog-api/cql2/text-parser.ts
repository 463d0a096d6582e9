import { CatalogInputError } from "../errors.js";
import type { Geometry, Position } from "../geometry/geojson.js";
import { bboxPolygon, checkBbox, checkGeometry } from "../geometry/geojson.js";
import {
  ARRAY_OPS,
  type ArrayOp,
  type CompareOp,
  type Expr,
  H3_FUNCTION,
  MAX_FILTER_VALUES,
  type Scalar,
  SPATIAL_OPS,
  type SpatialOp,
  TEMPORAL_OPS,
  type TemporalOp,
} from "./ast.js";
import { checkText } from "./json-parser.js";
import { type Token, tokenize } from "./lexer.js";
import { dateMs, intervalEnd, timestampMs } from "./literals.js";

const MAX_DEPTH = 64;
const COMPARE = new Set(["=", "<>", "<", "<=", ">", ">="]);
const GEOMETRY_WORDS = new Set([
  "POINT",
  "MULTIPOINT",
  "LINESTRING",
  "MULTILINESTRING",
  "POLYGON",
  "MULTIPOLYGON",
]);

/**
 * Parse CQL2 text (basic, advanced comparison, spatial, temporal and array functions, CASEI/ACCENTI, our H3
 * function) into the typed tree.
 */
export function parseCql2Text(text: string): Expr {
  const p = new TextParser(tokenize(text));
  const expr = p.orExpr();
  p.expectEnd();
  return expr;
}

class TextParser {
  private i = 0;
  private depth = 0;
  private values = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!;
  }
  private next(): Token {
    return this.tokens[this.i++]!;
  }
  private fail(message: string, t: Token = this.peek()): never {
    throw new CatalogInputError(`${message} at character ${t.at + 1}`, "filter");
  }
  private isWord(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.type === "ident" && !t.quoted && t.value.toUpperCase() === word;
  }
  private acceptWord(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.i++;
    return true;
  }
  private expectWord(word: string): void {
    if (!this.acceptWord(word)) this.fail(`expected ${word}`);
  }
  private isPunct(v: string): boolean {
    const t = this.peek();
    return t.type === "punct" && t.value === v;
  }
  private expectPunct(v: string): void {
    if (!this.isPunct(v)) this.fail(`expected "${v}"`);
    this.i++;
  }
  expectEnd(): void {
    if (this.peek().type !== "end") this.fail("unexpected input after the end of the expression");
  }

  orExpr(): Expr {
    const args = [this.andExpr()];
    while (this.acceptWord("OR")) args.push(this.andExpr());
    return args.length === 1 ? args[0]! : { kind: "or", args };
  }
  private andExpr(): Expr {
    const args = [this.notExpr()];
    while (this.acceptWord("AND")) args.push(this.notExpr());
    return args.length === 1 ? args[0]! : { kind: "and", args };
  }
  private notExpr(): Expr {
    if (++this.depth > MAX_DEPTH) this.fail(`nested deeper than ${MAX_DEPTH} levels`);
    let e: Expr;
    if (this.acceptWord("NOT")) e = { kind: "not", arg: this.notExpr() };
    else if (this.isPunct("(")) {
      this.next();
      e = this.orExpr();
      this.expectPunct(")");
    } else e = this.predicate();
    this.depth--;
    return e;
  }

  private predicate(): Expr {
    const t = this.peek();
    const after = this.peek(1);
    if (t.type === "ident" && !t.quoted && after.type === "punct" && after.value === "(") {
      const name = t.value.toLowerCase();
      if ((SPATIAL_OPS as readonly string[]).includes(name))
        return this.binaryFunction((left, right) => ({
          kind: "spatial",
          op: name as SpatialOp,
          left,
          right,
        }));
      if ((ARRAY_OPS as readonly string[]).includes(name))
        return this.binaryFunction(
          (left, right) => ({ kind: "array", op: name as ArrayOp, left, right }),
          () => this.arrayOperand(),
        );
      if ((TEMPORAL_OPS as readonly string[]).includes(name)) {
        return this.binaryFunction((left, right) => ({
          kind: "temporal",
          op: name as TemporalOp,
          left,
          right,
        }));
      }
      if (name === H3_FUNCTION) return this.h3Function();
    }
    if (this.acceptWord("TRUE")) return { kind: "bool", value: true };
    if (this.acceptWord("FALSE")) return { kind: "bool", value: false };
    const value = this.scalar();
    const negate = this.acceptWord("NOT");
    let e: Expr;
    if (this.acceptWord("LIKE")) e = { kind: "like", value, pattern: this.scalar() };
    else if (this.acceptWord("BETWEEN")) {
      const low = this.scalar();
      this.expectWord("AND");
      e = { kind: "between", value, low, high: this.scalar() };
    } else if (this.acceptWord("IN")) {
      this.expectPunct("(");
      const list = [this.scalar()];
      while (this.isPunct(",")) {
        this.next();
        list.push(this.scalar());
      }
      this.expectPunct(")");
      e = { kind: "in", value, list };
    } else if (!negate && this.acceptWord("IS")) {
      const isNot = this.acceptWord("NOT");
      this.expectWord("NULL");
      e = { kind: "isNull", value };
      return isNot ? { kind: "not", arg: e } : e;
    } else if (
      !negate &&
      this.peek().type === "punct" &&
      COMPARE.has(String((this.peek() as { value: unknown }).value))
    ) {
      const op = (this.next() as { value: string }).value as CompareOp;
      return { kind: "compare", op, left: value, right: this.scalar() };
    } else return this.fail("expected a comparison, LIKE, BETWEEN, IN or IS NULL");
    return negate ? { kind: "not", arg: e } : e;
  }

  private binaryFunction(make: (a: Scalar, b: Scalar) => Expr, operand = () => this.scalar()): Expr {
    this.next();
    this.expectPunct("(");
    const a = operand();
    this.expectPunct(",");
    const b = operand();
    this.expectPunct(")");
    return make(a, b);
  }

  /** An operand of an array function: a property, or an array literal `('a', 1, true)` (possibly empty). */
  private arrayOperand(): Scalar {
    if (!this.isPunct("(")) return this.scalar();
    this.next();
    const values: (string | number | boolean)[] = [];
    while (!this.isPunct(")")) {
      if (values.length) this.expectPunct(",");
      const at = this.peek();
      const v = this.scalar();
      if (v.kind !== "string" && v.kind !== "number" && v.kind !== "boolean")
        this.fail("array literals hold strings, numbers and booleans", at);
      values.push(v.value);
    }
    this.next();
    return { kind: "array", values };
  }

  private h3Function(): Expr {
    this.next();
    this.expectPunct("(");
    const prop = this.scalar();
    if (prop.kind !== "property") this.fail(`${H3_FUNCTION} takes a property first`);
    const cells: string[] = [];
    while (this.isPunct(",")) {
      this.next();
      const c = this.next();
      if (c.type !== "string") this.fail(`${H3_FUNCTION} takes cells as quoted strings`, c);
      cells.push(c.value);
    }
    this.expectPunct(")");
    if (cells.length === 0) this.fail(`${H3_FUNCTION} needs at least one cell`);
    return { kind: "h3", property: prop.name, cells };
  }

  scalar(): Scalar {
    const t = this.next();
    if (t.type === "string" || t.type === "number") {
      if (++this.values > MAX_FILTER_VALUES)
        this.fail(`the filter holds more than ${MAX_FILTER_VALUES} values (IN lists included)`, t);
      if (t.type === "number") return { kind: "number", value: t.value };
      return { kind: "string", value: checkText(t.value) };
    }
    if (t.type !== "ident") return this.fail("expected a property or a literal", t);
    if (t.quoted) return { kind: "property", name: t.value };
    const word = t.value.toUpperCase();
    const call = this.isPunct("(");
    if (word === "TRUE" || word === "FALSE") return { kind: "boolean", value: word === "TRUE" };
    if (call && (word === "CASEI" || word === "ACCENTI")) {
      this.expectPunct("(");
      // CASEI(ACCENTI(x)) makes sense; deeper nesting does not, and would recurse without bound
      if (++this.depth > MAX_DEPTH) this.fail(`nested deeper than ${MAX_DEPTH} levels`, t);
      const arg = this.scalar();
      this.depth--;
      this.expectPunct(")");
      return { kind: word === "CASEI" ? "casei" : "accenti", arg };
    }
    if (call && word === "TIMESTAMP") return { kind: "timestamp", ms: timestampMs(this.stringArg()) };
    if (call && word === "DATE") return { kind: "date", ms: dateMs(this.stringArg()) };
    if (call && word === "INTERVAL") return this.interval();
    if (call && word === "BBOX")
      return { kind: "geometry", geometry: bboxPolygon(checkBbox(this.numberList(), "filter BBOX")) };
    if (call && GEOMETRY_WORDS.has(word)) return { kind: "geometry", geometry: this.wkt(word) };
    if (call) return this.fail(`unknown function ${t.value}`, t);
    return { kind: "property", name: t.value };
  }

  private stringArg(): string {
    this.expectPunct("(");
    const s = this.next();
    if (s.type !== "string") this.fail("expected a quoted string", s);
    this.expectPunct(")");
    return (s as { value: string }).value;
  }

  private interval(): Scalar {
    this.expectPunct("(");
    const ends: number[] = [];
    for (const open of [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]) {
      if (ends.length) this.expectPunct(",");
      const s = this.next();
      if (s.type !== "string") this.fail("INTERVAL takes two quoted instants or '..'", s);
      ends.push(intervalEnd((s as { value: string }).value, open));
    }
    this.expectPunct(")");
    return { kind: "interval", start: ends[0]!, end: ends[1]! };
  }

  private numberList(): number[] {
    this.expectPunct("(");
    const out: number[] = [];
    do {
      const n = this.next();
      if (n.type !== "number") this.fail("expected a number", n);
      out.push((n as { value: number }).value);
    } while (this.isPunct(",") && this.next());
    this.expectPunct(")");
    return out;
  }

  /** WKT body after the keyword: nested parenthesised lists of "x y" positions. */
  private wkt(word: string): Geometry {
    const depth: Record<string, number> = {
      POINT: 0,
      MULTIPOINT: 1,
      LINESTRING: 1,
      MULTILINESTRING: 2,
      POLYGON: 2,
      MULTIPOLYGON: 3,
    };
    const type = {
      POINT: "Point",
      MULTIPOINT: "MultiPoint",
      LINESTRING: "LineString",
      MULTILINESTRING: "MultiLineString",
      POLYGON: "Polygon",
      MULTIPOLYGON: "MultiPolygon",
    }[word]!;
    const coordinates = this.wktLevel(depth[word]!, word === "MULTIPOINT");
    return checkGeometry({ type, coordinates }, "filter geometry");
  }

  private wktLevel(depth: number, multipoint: boolean): unknown {
    this.expectPunct("(");
    if (depth === 0) {
      const pos = this.position();
      this.expectPunct(")");
      return pos;
    }
    const items: unknown[] = [];
    do {
      // positions at the innermost level are bare "x y"; MULTIPOINT allows both "(x y)" and "x y"
      if (depth === 1 && !(multipoint && this.isPunct("("))) items.push(this.position());
      else items.push(this.wktLevel(depth - 1, false));
    } while (this.isPunct(",") && this.next());
    this.expectPunct(")");
    return items;
  }

  private position(): Position {
    const out: number[] = [];
    while (this.peek().type === "number") out.push((this.next() as { value: number }).value);
    if (out.length < 2 || out.length > 3) this.fail("expected a position of 2 or 3 numbers");
    return out;
  }
}
