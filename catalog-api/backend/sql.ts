/** A piece of SQL with `?` placeholders and the values bound to them, in order. Values never enter the text. */
export interface Fragment {
  text: string;
  params: unknown[];
}

export function sql(text: string, ...params: unknown[]): Fragment {
  return { text, params };
}

/** Join fragments with a separator (the separator is trusted SQL text, never user input). */
export function join(parts: Fragment[], separator: string): Fragment {
  const params: unknown[] = [];
  // a loop, not push(...spread): a fragment may carry thousands of values
  for (const p of parts) for (const v of p.params) params.push(v);
  return { text: parts.map((p) => p.text).join(separator), params };
}

/** Above this many terms a chain is split in halves, each parenthesised. */
const FLAT_TERMS = 4;

/**
 * Build `a OP b OP c` in parentheses; an empty list gives the neutral element. Long chains become a balanced tree
 * of parenthesised halves: SQLite parses `a OR b OR ...` into a tree as deep as the chain and refuses one deeper
 * than 1000 ("Expression tree is too large"); halves keep it log2(n) deep.
 */
export function all(parts: Fragment[], op: "AND" | "OR"): Fragment {
  if (parts.length === 0) return sql(op === "AND" ? "1=1" : "1=0");
  if (parts.length === 1) return parts[0]!;
  if (parts.length > FLAT_TERMS) {
    const mid = parts.length >> 1;
    return all([all(parts.slice(0, mid), op), all(parts.slice(mid), op)], op);
  }
  const j = join(parts, ` ${op} `);
  return { text: `(${j.text})`, params: j.params };
}

/** Concatenate fragments and trusted text pieces. */
export function concat(...parts: (Fragment | string)[]): Fragment {
  const text: string[] = [];
  const params: unknown[] = [];
  for (const p of parts) {
    if (typeof p === "string") text.push(p);
    else {
      text.push(p.text);
      for (const v of p.params) params.push(v);
    }
  }
  return { text: text.join(""), params };
}
