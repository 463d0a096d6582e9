import { CatalogInputError } from "../errors.js";
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
import { dateMs, intervalEnd, timestampMs } from "./literals.js";

const COMPARE = new Set(["=", "<>", "<", "<=", ">", ">="]);
const GEOMETRY_TYPES = new Set([
  "Point",
  "MultiPoint",
  "LineString",
  "MultiLineString",
  "Polygon",
  "MultiPolygon",
  "GeometryCollection",
]);
const MAX_DEPTH = 64;

/** Parse CQL2 JSON (an already JSON.parse'd value) into the typed tree; anything unknown is an error. */
export function parseCql2Json(value: unknown): Expr {
  const counter = { values: 0 };
  return new JsonParser(counter).expr(value, 0);
}

function fail(message: string): never {
  throw new CatalogInputError(message, "filter");
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** CASEI(ACCENTI(x)) makes sense; deeper nesting does not, and would recurse without bound. */
const MAX_NESTED_FUNCTIONS = 4;

class JsonParser {
  private nested = 0;
  constructor(private readonly counter: { values: number }) {}

  /** Count literal values; `ahead` checks a list's length before its entries are parsed. */
  private count(n: number, ahead = false): void {
    if (this.counter.values + n > MAX_FILTER_VALUES)
      fail(`holds more than ${MAX_FILTER_VALUES} values (IN lists included)`);
    if (!ahead) this.counter.values += n;
  }

  expr(v: unknown, depth: number): Expr {
    if (depth > MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH} levels`);
    if (typeof v === "boolean") return { kind: "bool", value: v };
    if (!isObject(v) || typeof v.op !== "string" || !Array.isArray(v.args)) {
      return fail(`expected {"op": ..., "args": [...]}, found ${JSON.stringify(v)?.slice(0, 80)}`);
    }
    const op = v.op.toLowerCase();
    const args = v.args as unknown[];
    const arity = (n: number) => {
      if (args.length !== n) fail(`"${v.op}" takes ${n} arguments, found ${args.length}`);
    };
    if (op === "and" || op === "or") {
      if (args.length < 2) fail(`"${op}" takes at least 2 arguments`);
      return { kind: op, args: args.map((a) => this.expr(a, depth + 1)) };
    }
    if (op === "not") {
      arity(1);
      return { kind: "not", arg: this.expr(args[0], depth + 1) };
    }
    if (COMPARE.has(op)) {
      arity(2);
      return {
        kind: "compare",
        op: op as CompareOp,
        left: this.scalar(args[0]),
        right: this.scalar(args[1]),
      };
    }
    if (op === "like") {
      arity(2);
      return { kind: "like", value: this.scalar(args[0]), pattern: this.scalar(args[1]) };
    }
    if (op === "between") {
      arity(3);
      return {
        kind: "between",
        value: this.scalar(args[0]),
        low: this.scalar(args[1]),
        high: this.scalar(args[2]),
      };
    }
    if (op === "in") {
      arity(2);
      if (!Array.isArray(args[1]) || args[1].length === 0)
        fail(`"in" takes a non-empty list as its second argument`);
      this.count((args[1] as unknown[]).length, true);
      return {
        kind: "in",
        value: this.scalar(args[0]),
        list: (args[1] as unknown[]).map((x) => this.scalar(x)),
      };
    }
    if (op === "isnull") {
      arity(1);
      return { kind: "isNull", value: this.scalar(args[0]) };
    }
    if ((SPATIAL_OPS as readonly string[]).includes(op)) {
      arity(2);
      return {
        kind: "spatial",
        op: op as SpatialOp,
        left: this.scalar(args[0]),
        right: this.scalar(args[1]),
      };
    }
    if ((ARRAY_OPS as readonly string[]).includes(op)) {
      arity(2);
      return {
        kind: "array",
        op: op as ArrayOp,
        left: this.arrayOperand(args[0]),
        right: this.arrayOperand(args[1]),
      };
    }
    if ((TEMPORAL_OPS as readonly string[]).includes(op)) {
      arity(2);
      return {
        kind: "temporal",
        op: op as TemporalOp,
        left: this.scalar(args[0]),
        right: this.scalar(args[1]),
      };
    }
    if (op === H3_FUNCTION) {
      const prop = this.scalar(args[0]);
      const cells = args.slice(1);
      this.count(cells.length);
      if (prop.kind !== "property" || cells.length === 0 || !cells.every((c) => typeof c === "string")) {
        fail(`"${H3_FUNCTION}" takes a property and one or more cells as strings`);
      }
      return { kind: "h3", property: (prop as { name: string }).name, cells: cells as string[] };
    }
    return fail(`unknown operator "${v.op}"`);
  }

  /** An operand of an array function: a property or a JSON array of strings, numbers and booleans. */
  private arrayOperand(v: unknown): Scalar {
    if (!Array.isArray(v)) return this.scalar(v);
    this.count(v.length, true);
    const values = v.map((x) => {
      const s = this.scalar(x);
      if (s.kind !== "string" && s.kind !== "number" && s.kind !== "boolean")
        fail("array literals hold strings, numbers and booleans");
      return s.value;
    });
    return { kind: "array", values };
  }

  scalar(v: unknown): Scalar {
    if (typeof v !== "object" || v === null) this.count(1);
    if (typeof v === "string") return { kind: "string", value: checkText(v) };
    if (typeof v === "number") {
      if (!Number.isFinite(v)) fail("numbers must be finite");
      return { kind: "number", value: v };
    }
    if (typeof v === "boolean") return { kind: "boolean", value: v };
    if (!isObject(v))
      return fail(`expected a property, literal or geometry, found ${JSON.stringify(v)?.slice(0, 80)}`);
    const keys = Object.keys(v);
    const only = (k: string) => keys.length === 1 && keys[0] === k;
    if (only("property") && typeof v.property === "string") return { kind: "property", name: v.property };
    if (only("casei") || only("accenti")) {
      const kind = only("casei") ? "casei" : "accenti";
      if (++this.nested > MAX_NESTED_FUNCTIONS) fail("CASEI/ACCENTI nested too deeply");
      const arg = this.scalar(v[kind]);
      this.nested--;
      return { kind, arg };
    }
    if (only("timestamp") && typeof v.timestamp === "string")
      return { kind: "timestamp", ms: timestampMs(v.timestamp) };
    if (only("date") && typeof v.date === "string") return { kind: "date", ms: dateMs(v.date) };
    if (only("interval") && Array.isArray(v.interval) && v.interval.length === 2) {
      const [a, b] = v.interval.map((x) => (isObject(x) ? (x.timestamp ?? x.date) : x));
      if (typeof a !== "string" || typeof b !== "string")
        fail("interval ends must be strings, {timestamp} or {date}");
      return {
        kind: "interval",
        start: intervalEnd(a as string, -Infinity),
        end: intervalEnd(b as string, Infinity),
      };
    }
    if (only("bbox")) return { kind: "geometry", geometry: bboxPolygon(checkBbox(v.bbox, "filter bbox")) };
    if (typeof v.type === "string" && GEOMETRY_TYPES.has(v.type)) {
      return { kind: "geometry", geometry: checkGeometry(v, "filter geometry") };
    }
    return fail(`unknown operand ${JSON.stringify(v).slice(0, 80)}`);
  }
}

/** PostgreSQL cannot hold NUL in text: refused on every backend alike. */
export function checkText(s: string): string {
  if (s.includes("\u0000")) fail("a string contains a NUL character");
  return s;
}
