/**
 * The small part of Jinja that kerchunk reference files use: `{{name}}` substitution of templates in URLs, and
 * in `gen` entries integer arithmetic over the dimension variables (`{{(i + 1) * 1000}}`).
 */
export type Scope = Record<string, string | number>;

export function render(template: string, scope: Scope): string {
  return template.replace(/\{\{(.*?)\}\}/g, (_, expr: string) => {
    const value = evaluate(expr, scope);
    return typeof value === "number" && !Number.isInteger(value) ? String(value) : String(value);
  });
}

/** Evaluate + - * / // % ** and parentheses over numbers and variables. */
export function evaluate(expr: string, scope: Scope): string | number {
  const tokens = expr.match(/\*\*|\/\/|[-+*/%()]|\d+(?:\.\d+)?|[A-Za-z_]\w*|\S/g) ?? [];
  let pos = 0;
  const peek = () => tokens[pos];
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} in template expression "{{${expr}}}"`);
  };
  const atom = (): string | number => {
    const t = tokens[pos++];
    if (t === undefined) return fail("unexpected end");
    if (t === "(") {
      const v = sum();
      if (tokens[pos++] !== ")") fail("missing )");
      return v;
    }
    if (t === "-") return -num(atom());
    if (/^\d/.test(t)) return Number(t);
    if (/^[A-Za-z_]/.test(t)) {
      if (!(t in scope)) fail(`unknown name "${t}"`);
      return scope[t] as string | number;
    }
    return fail(`unexpected "${t}"`);
  };
  const num = (v: string | number): number => (typeof v === "number" ? v : fail(`"${v}" is not a number`));
  const power = (): string | number => {
    const base = atom();
    if (peek() === "**") {
      pos++;
      return num(base) ** num(power());
    }
    return base;
  };
  const product = (): string | number => {
    let v = power();
    for (let op = peek(); op === "*" || op === "/" || op === "//" || op === "%"; op = peek()) {
      pos++;
      const r = num(power());
      const l = num(v);
      v =
        op === "*" ? l * r : op === "/" ? l / r : op === "//" ? Math.floor(l / r) : l - r * Math.floor(l / r);
    }
    return v;
  };
  const sum = (): string | number => {
    let v = product();
    for (let op = peek(); op === "+" || op === "-"; op = peek()) {
      pos++;
      const r = product();
      v =
        op === "+" && (typeof v === "string" || typeof r === "string")
          ? String(v) + String(r)
          : op === "+"
            ? num(v) + num(r)
            : num(v) - num(r);
    }
    return v;
  };
  const value = sum();
  if (pos !== tokens.length) fail(`unexpected "${tokens[pos]}"`);
  return value;
}
