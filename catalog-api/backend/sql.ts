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
  return { text: parts.map((p) => p.text).join(separator), params: parts.flatMap((p) => p.params) };
}

/** Build `a OP b OP c` in parentheses; an empty list gives the neutral element. */
export function all(parts: Fragment[], op: "AND" | "OR"): Fragment {
  if (parts.length === 0) return sql(op === "AND" ? "1=1" : "1=0");
  if (parts.length === 1) return parts[0]!;
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
      params.push(...p.params);
    }
  }
  return { text: text.join(""), params };
}
