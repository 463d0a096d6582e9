import { CatalogInputError } from "../errors.js";

/** Tokens of CQL2 text. Identifiers may be double-quoted; strings are single-quoted with '' as an escape. */
export type Token =
  | { type: "ident"; value: string; quoted: boolean; at: number }
  | { type: "string"; value: string; at: number }
  | { type: "number"; value: number; at: number }
  | { type: "punct"; value: string; at: number }
  | { type: "end"; at: number };

const PUNCT = ["<>", "<=", ">=", "=", "<", ">", "(", ")", ",", "[", "]"];
// sticky: matched at lastIndex without copying the rest of the text (a filter may be a megabyte long)
const NUMBER = /[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/y;
const IDENT = /[A-Za-z_][A-Za-z0-9_:.-]*/y;

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const fail = (what: string): never => {
    throw new CatalogInputError(`${what} at character ${i + 1}`, "filter");
  };
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      const at = i;
      let value = "";
      for (i++; ; i++) {
        if (i >= text.length) fail("unterminated string");
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i++;
          } else break;
        } else value += text[i];
      }
      i++;
      out.push({ type: "string", value, at });
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) fail("unterminated quoted identifier");
      out.push({ type: "ident", value: text.slice(i + 1, end), quoted: true, at: i });
      i = end + 1;
    } else if (
      /[0-9]/.test(c) ||
      ((c === "-" || c === "+" || c === ".") && /[0-9.]/.test(text[i + 1] ?? ""))
    ) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (!m) fail("bad number");
      out.push({ type: "number", value: Number(m![0]), at: i });
      i += m![0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      IDENT.lastIndex = i;
      const m = IDENT.exec(text)!;
      out.push({ type: "ident", value: m[0], quoted: false, at: i });
      i += m[0].length;
    } else {
      const p = PUNCT.find((x) => text.startsWith(x, i));
      if (!p) fail(`unexpected character "${c}"`);
      out.push({ type: "punct", value: p!, at: i });
      i += p!.length;
    }
  }
  out.push({ type: "end", at: text.length });
  return out;
}
