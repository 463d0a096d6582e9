import type { DuckLiteral } from "../cql2/sql-dialects.js";

/**
 * SQL for DuckDB with every value bound: a fragment is text with `?` placeholders and the typed values that fill
 * them, in order. Typed so that DuckDB never casts a user's value from text.
 */
export type DuckParam =
  | DuckLiteral
  | { type: "ubigint"; value: bigint }
  | { type: "ubigint[]"; values: bigint[] }
  | { type: "varchar[]"; values: string[] };

export interface DuckFragment {
  text: string;
  params: DuckParam[];
}

export function frag(text: string, ...params: DuckParam[]): DuckFragment {
  const holes = text.split("?").length - 1;
  if (holes !== params.length)
    throw new Error(`SQL fragment has ${holes} placeholders for ${params.length} values`);
  return { text, params };
}

export function join(parts: (DuckFragment | string)[], separator = ""): DuckFragment {
  const out: DuckFragment = { text: "", params: [] };
  parts.forEach((p, i) => {
    if (i) out.text += separator;
    if (typeof p === "string") out.text += p;
    else {
      out.text += p.text;
      out.params.push(...p.params);
    }
  });
  return out;
}

/** Conditions joined with AND (or OR), each in parentheses; none is TRUE (AND) or FALSE (OR). */
export function all(conditions: DuckFragment[], op: "AND" | "OR" = "AND"): DuckFragment {
  if (conditions.length === 0) return frag(op === "AND" ? "TRUE" : "FALSE");
  return join(["(", join(conditions, `) ${op} (`), ")"]);
}

/** A column name from the catalog's table:columns, quoted as an identifier (names never come from a request). */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export const ubigint = (value: bigint): DuckParam => ({ type: "ubigint", value });
export const double = (value: number): DuckParam => ({ type: "double", value });
export const timestamptz = (ms: number): DuckParam => ({ type: "timestamptz", micros: BigInt(ms) * 1000n });
