import type { CompareOp, Expr, Scalar } from "../cql2/ast.js";
import { MAX_FILTER_VALUES } from "../cql2/ast.js";
import { CatalogInputError } from "../errors.js";

const COMPARE: Record<string, CompareOp> = { eq: "=", neq: "<>", lt: "<", lte: "<=", gt: ">", gte: ">=" };

/**
 * The STAC API query extension (`query={"eo:cloud_cover": {"lt": 10}}`, as pystac-client sends it), turned into
 * the same tree as a CQL2 filter, so it is checked against the queryables and compiled like one: each property's
 * operators are ANDed, and so are the properties.
 */
export function parseQueryExtension(value: unknown): Expr {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new CatalogInputError('must be an object such as {"quality": {"gt": 0.5}}', "query");
  const terms: Expr[] = [];
  let values = 0;
  for (const [name, ops] of Object.entries(value)) {
    const property: Scalar = { kind: "property", name: name.replace(/^properties\./, "") };
    if (typeof ops !== "object" || ops === null || Array.isArray(ops))
      throw new CatalogInputError(
        "must be an object of operators (eq, neq, lt, lte, gt, gte, in, ...)",
        `query.${name}`,
      );
    for (const [op, operand] of Object.entries(ops)) {
      const where = `query.${name}.${op}`;
      if (op === "in") {
        if (!Array.isArray(operand) || operand.length === 0)
          throw new CatalogInputError("must be a non-empty list", where);
        values += operand.length;
        if (values > MAX_FILTER_VALUES)
          throw new CatalogInputError(`more than ${MAX_FILTER_VALUES} values`, "query");
        terms.push({ kind: "in", value: property, list: operand.map((v) => literal(v, where)) });
      } else if (COMPARE[op]) {
        values++;
        terms.push({ kind: "compare", op: COMPARE[op]!, left: property, right: literal(operand, where) });
      } else if (op === "startsWith" || op === "endsWith" || op === "contains") {
        if (typeof operand !== "string") throw new CatalogInputError("must be a string", where);
        const text = operand.replace(/[\\%_]/g, (c) => `\\${c}`);
        const pattern = op === "startsWith" ? `${text}%` : op === "endsWith" ? `%${text}` : `%${text}%`;
        terms.push({ kind: "like", value: property, pattern: { kind: "string", value: pattern } });
      } else {
        throw new CatalogInputError(
          "is not an operator (eq, neq, lt, lte, gt, gte, in, startsWith, endsWith, contains)",
          where,
        );
      }
    }
  }
  if (terms.length === 0) return { kind: "bool", value: true };
  return terms.length === 1 ? terms[0]! : { kind: "and", args: terms };
}

function literal(v: unknown, where: string): Scalar {
  if (typeof v === "string") {
    if (v.includes("\u0000")) throw new CatalogInputError("contains a NUL character", where);
    // pystac-client sends query=["quality>0.5"] as {"quality": {"gt": "0.5"}}: the compiler reads such text as the
    // property's type when it is a number or a boolean written out
    return { kind: "string", value: v, loose: true };
  }
  if (typeof v === "number" && Number.isFinite(v)) return { kind: "number", value: v };
  if (typeof v === "boolean") return { kind: "boolean", value: v };
  throw new CatalogInputError("must be a string, a finite number or a boolean", where);
}

/** A search's filter and its query together. */
export function withQuery(filter: Expr | undefined, query: Expr | undefined): Expr | undefined {
  if (!query) return filter;
  return filter ? { kind: "and", args: [filter, query] } : query;
}
