/**
 * JSON as Python's `json` module reads and writes it: NaN / Infinity / -Infinity are accepted as bare tokens,
 * floats print as `repr(float)` does ("7.0", "1e+16", "1e-05"), and non-ASCII characters are escaped
 * (ensure_ascii). Kerchunk writes its files with Python's json, so this is what byte-for-byte output needs.
 */
import type { JsonValue } from "../model/index.js";
import { JsonSyntaxError } from "./errors.js";

/**
 * JSON.parse, falling back to a parser that also takes NaN and Infinity (as Python writes them). Text that is not
 * JSON throws JsonSyntaxError with the line, column and the keys being read where it goes wrong.
 */
export function parsePythonJson(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    // The slower parser runs only on failure: it reads NaN/Infinity, or says where and in which key it broke.
    return new Parser(text).document();
  }
}

/** An object or array being read, for error messages. */
interface Frame {
  /** Entry being read: the key in an object (undefined while the key itself is read), the index in an array. */
  key?: string | number;
  /** Last entry of an object read completely. */
  previous?: string;
}

class Parser {
  private pos = 0;
  private readonly frames: Frame[] = [];
  constructor(private readonly text: string) {}

  document(): JsonValue {
    const value = this.value();
    this.space();
    if (this.pos !== this.text.length) this.fail("unexpected text after the value");
    return value;
  }

  private fail(what: string): never {
    const at = Math.min(this.pos, this.text.length);
    const before = this.text.slice(0, at);
    const line = before.split("\n").length;
    const column = at - before.lastIndexOf("\n");
    const ended = this.pos >= this.text.length;
    const reason = ended ? `${what}: the text ends (truncated?)` : what;
    throw new JsonSyntaxError(
      reason,
      at,
      line,
      column,
      this.frames.map((f) => ({ ...f })),
    );
  }

  private space(): void {
    while (/\s/.test(this.text[this.pos] ?? "")) this.pos++;
  }

  private value(): JsonValue {
    this.space();
    const c = this.text[this.pos];
    if (c === "{") return this.object();
    if (c === "[") return this.array();
    if (c === '"') return this.string();
    for (const [word, value] of [
      ["true", true],
      ["false", false],
      ["null", null],
      ["NaN", Number.NaN],
      ["Infinity", Number.POSITIVE_INFINITY],
      ["-Infinity", Number.NEGATIVE_INFINITY],
    ] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 64));
    if (!m) this.fail(c === undefined ? "expected a value" : `unexpected character ${JSON.stringify(c)}`);
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private string(): string {
    // Sticky, so a long document is not copied for every string.
    const pattern = /"(?:[^"\\]|\\.)*"/sy;
    pattern.lastIndex = this.pos;
    const m = pattern.exec(this.text);
    if (!m) {
      // No closing quote anywhere after it: the text ran out inside the string, so report where it ends.
      const start = this.pos;
      this.pos = this.text.length;
      this.fail(`unterminated string starting at character ${start}`);
    }
    try {
      const value = JSON.parse(m[0]) as string;
      this.pos += m[0].length;
      return value;
    } catch (error) {
      this.fail(`bad string (${(error as Error).message})`);
    }
  }

  private array(): JsonValue[] {
    this.pos++;
    const out: JsonValue[] = [];
    const frame: Frame = { key: 0 };
    this.frames.push(frame);
    this.space();
    if (this.text[this.pos] === "]") {
      this.pos++;
      this.frames.pop();
      return out;
    }
    for (;;) {
      frame.key = out.length;
      out.push(this.value());
      this.space();
      const c = this.text[this.pos];
      if (c === "]") {
        this.pos++;
        this.frames.pop();
        return out;
      }
      if (c !== ",") this.fail("expected , or ]");
      this.pos++;
    }
  }

  private object(): { [key: string]: JsonValue } {
    this.pos++;
    const out: { [key: string]: JsonValue } = {};
    const frame: Frame = {};
    this.frames.push(frame);
    this.space();
    if (this.text[this.pos] === "}") {
      this.pos++;
      this.frames.pop();
      return out;
    }
    for (;;) {
      delete frame.key;
      this.space();
      if (this.text[this.pos] !== '"') this.fail("expected a key");
      const key = this.string();
      frame.key = key;
      this.space();
      if (this.text[this.pos] !== ":") this.fail("expected :");
      this.pos++;
      out[key] = this.value();
      frame.previous = key;
      delete frame.key;
      this.space();
      const c = this.text[this.pos];
      if (c === "}") {
        this.pos++;
        this.frames.pop();
        return out;
      }
      if (c !== ",") this.fail("expected , or }");
      this.pos++;
    }
  }
}

/** Python's repr() of a float. */
export function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa = "", exp = "0"] = x.toExponential().split("e");
  const e = Number(exp);
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  const sign = negative ? "-" : "";
  if (e < -4 || e >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  if (e < 0) return `${sign}0.${"0".repeat(-e - 1)}${digits}`;
  const whole = digits.slice(0, e + 1).padEnd(e + 1, "0");
  const frac = digits.slice(e + 1);
  return `${sign}${whole}.${frac || "0"}`;
}

/** A JSON string literal as Python writes it with ensure_ascii. */
export function pythonString(s: string): string {
  return JSON.stringify(s).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

export interface PythonJsonOptions {
  /** Python's separators: compact (",", ":") or json.dumps' default (", ", ": "). */
  compact?: boolean;
  sortKeys?: boolean;
  /** Decide per number whether Python held a float (printed with repr) or an int. */
  isFloat?: (value: number, path: readonly string[]) => boolean;
}

/** Integers below 2^53 print as ints; larger "integers" can only have been floats in Python. */
export function defaultIsFloat(value: number): boolean {
  return !Number.isInteger(value) || Math.abs(value) >= 2 ** 53;
}

export function pythonJson(value: JsonValue, options: PythonJsonOptions = {}, path: string[] = []): string {
  const comma = options.compact ? "," : ", ";
  const colon = options.compact ? ":" : ": ";
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    const isFloat = options.isFloat ? options.isFloat(value, path) : defaultIsFloat(value);
    return isFloat || !Number.isFinite(value) ? pythonFloat(value) : String(value);
  }
  if (typeof value === "string") return pythonString(value);
  if (Array.isArray(value)) return `[${value.map((v) => pythonJson(v, options, path)).join(comma)}]`;
  const keys = Object.keys(value);
  if (options.sortKeys) keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const parts = keys.map(
    (k) => `${pythonString(k)}${colon}${pythonJson(value[k] as JsonValue, options, [...path, k])}`,
  );
  return `{${parts.join(comma)}}`;
}
