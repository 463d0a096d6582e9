import type { Dialect } from "../backend/dialect.js";
import { all, type Fragment } from "../backend/sql.js";
import { caseFold } from "../cql2/text-folding.js";
import { CatalogInputError } from "../errors.js";

/**
 * A free-text query (`q`, STAC API free-text extension): alternatives (OR), each a list of terms that must all be
 * present (AND). Terms are lower-cased; a term matches when it occurs, case-insensitively, anywhere in one of the
 * searched fields (a substring: "sentinel" finds "Sentinel-2").
 */
export type FreeText = string[][];

const MAX_LENGTH = 1000;
const MAX_TERMS = 50;

function fail(message: string): never {
  throw new CatalogInputError(message, "q");
}

/**
 * `q` as GET sends it: terms separated by commas are alternatives (OR); `AND` and `OR` (upper case, between spaces)
 * join terms too; a double-quoted phrase is one term whatever it holds (commas, AND/OR); otherwise spaces have no
 * special meaning: `EO,Earth Observation` is "eo" OR "earth observation". In a POST body `q` is a list of terms
 * (alternatives, each taken as it is) or such a string.
 */
export function parseFreeText(value: unknown): FreeText {
  if (Array.isArray(value)) {
    if (!value.every((t) => typeof t === "string")) fail("must be a string or a list of strings");
    const terms = (value as string[]).map(clean).filter(Boolean);
    return checked(terms.map((t) => [t]));
  }
  if (typeof value !== "string") fail("must be a string or a list of strings");
  if (value.length > MAX_LENGTH) fail(`is longer than ${MAX_LENGTH} characters`);
  const out: FreeText = [[]];
  let word = "";
  const endTerm = () => {
    const t = clean(word);
    if (t) out.at(-1)!.push(t);
    word = "";
  };
  const tokens = value.match(/"[^"]*"?|,|[^,"]+/g) ?? [];
  for (const token of tokens) {
    if (token === ",") {
      endTerm();
      out.push([]);
    } else if (token.startsWith('"')) {
      if (token.length < 2 || !token.endsWith('"')) fail("has an unclosed double quote");
      endTerm();
      const t = clean(token.slice(1, -1));
      if (t) out.at(-1)!.push(t);
    } else {
      // AND / OR as whole words split the text between them
      for (const part of token.split(/(?<=^|\s)(AND|OR)(?=\s|$)/)) {
        if (part === "AND") endTerm();
        else if (part === "OR") {
          endTerm();
          out.push([]);
        } else word += part;
      }
    }
  }
  endTerm();
  return checked(out.filter((g) => g.length > 0));
}

function clean(t: string): string {
  return caseFold(t.replace(/\s+/g, " ").trim());
}

function checked(q: FreeText): FreeText {
  if (q.length === 0) fail("has no search terms");
  if (q.flat().length > MAX_TERMS) fail(`has more than ${MAX_TERMS} terms`);
  if (q.flat().some((t) => t.includes("\u0000"))) fail("has a NUL character");
  return q;
}

/** Whether texts (an object's searched fields) match: JavaScript, for collections (held parsed in memory). */
export function matchesFreeText(texts: string[], q: FreeText): boolean {
  const text = caseFold(texts.join("\n"));
  return q.some((group) => group.every((term) => text.includes(term)));
}

/** The SQL condition over an item's id and properties title, description and keywords. */
export function freeTextCondition(q: FreeText, d: Dialect): Fragment {
  return all(
    q.map((group) =>
      all(
        group.map((term) => d.containsText(term)),
        "AND",
      ),
    ),
    "OR",
  );
}
