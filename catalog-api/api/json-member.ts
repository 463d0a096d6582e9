import { CatalogStoreError } from "../errors.js";

/**
 * Cut one top-level member out of a JSON object's text without parsing the rest: search answers splice the
 * stored item text and only replace its `links`. A scan that skips strings and nested values costs a few
 * microseconds where JSON.parse + JSON.stringify (or SQLite's json_remove) cost tens.
 * `rest` is the object without that member; `value` is the member's JSON text (undefined when absent).
 */
export function cutMember(json: string, name: string): { rest: string; value: string | undefined } {
  let i = skipSpace(json, 0);
  if (json.charCodeAt(i) !== OPEN_BRACE) bad(json, i, "an object");
  i = skipSpace(json, i + 1);
  if (json.charCodeAt(i) === CLOSE_BRACE) return { rest: json, value: undefined };
  let previousComma = -1;
  for (;;) {
    const keyStart = i;
    if (json.charCodeAt(i) !== QUOTE) bad(json, i, "a member name");
    i = skipString(json, i);
    const key = json.slice(keyStart, i);
    i = skipSpace(json, i);
    if (json.charCodeAt(i) !== COLON) bad(json, i, '":"');
    const valueStart = skipSpace(json, i + 1);
    const valueEnd = skipValue(json, valueStart);
    i = skipSpace(json, valueEnd);
    const c = json.charCodeAt(i);
    if (c !== COMMA && c !== CLOSE_BRACE) bad(json, i, '"," or "}"');
    if (key === `"${name}"` || (key.includes("\\") && JSON.parse(key) === name)) {
      const value = json.slice(valueStart, valueEnd);
      // drop the member with one comma next to it: the one after it, else the one before it
      if (c === COMMA) return { rest: json.slice(0, keyStart) + json.slice(skipSpace(json, i + 1)), value };
      if (previousComma >= 0) return { rest: json.slice(0, previousComma) + json.slice(i), value };
      return { rest: `{${json.slice(i)}`, value };
    }
    if (c === CLOSE_BRACE) return { rest: json, value: undefined };
    previousComma = i;
    i = skipSpace(json, i + 1);
  }
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;

function bad(json: string, at: number, wanted: string): never {
  throw new CatalogStoreError(
    `stored item JSON has no ${wanted} at offset ${at}: ${JSON.stringify(json.slice(at, at + 40))}`,
    "item text",
  );
}

function skipSpace(json: string, i: number): number {
  for (;;) {
    const c = json.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
    i++;
  }
}

/** From an opening quote to just after the closing one. */
function skipString(json: string, i: number): number {
  for (i++; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i + 1;
  }
  return bad(json, i, "end of a string");
}

/** Past one value: a string, an object or array (nesting counted, strings skipped), or a literal/number. */
function skipValue(json: string, i: number): number {
  const first = json.charCodeAt(i);
  if (first === QUOTE) return skipString(json, i);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0;
    for (; i < json.length; i++) {
      const c = json.charCodeAt(i);
      if (c === QUOTE) i = skipString(json, i) - 1;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (--depth === 0) return i + 1;
      }
    }
    return bad(json, i, "end of a nested value");
  }
  const start = i;
  for (; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || c <= 0x20) break;
  }
  if (i === start) bad(json, i, "a value");
  return i;
}
