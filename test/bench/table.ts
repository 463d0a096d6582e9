/** A benchmark's result: a titled table, naming the baseline its ratio column compares against. */
export interface BenchTable {
  title: string;
  /** What the ratio column is relative to, e.g. "no middleware" or "h3-js latLngToCell alone". */
  baseline: string;
  columns: string[];
  rows: (string | number)[][];
  notes?: string[];
}

export function formatTable(table: BenchTable): string {
  const cells = [table.columns, ...table.rows.map((r) => r.map(formatCell))];
  const widths = table.columns.map((_, c) => Math.max(...cells.map((r) => String(r[c] ?? "").length)));
  const line = (r: (string | number)[]) => r.map((v, c) => String(v).padEnd(widths[c] ?? 0)).join("  ");
  const out = [`## ${table.title}`, `baseline: ${table.baseline}`, line(cells[0] ?? [])];
  out.push(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of cells.slice(1)) out.push(line(r));
  for (const n of table.notes ?? []) out.push(`note: ${n}`);
  return out.join("\n");
}

function formatCell(v: string | number): string {
  if (typeof v === "string") return v;
  if (Number.isInteger(v)) return v.toLocaleString("en-US");
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3);
}

/** Peak resident memory so far, in MiB. */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}
