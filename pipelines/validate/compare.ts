/** Element-wise comparison of values read through references with values read directly. */
export interface Comparison {
  equal: boolean;
  /** Elements that differ (NaN equals NaN; bigint equals number of the same value). */
  differing: number;
  first?: { index: number; ours: unknown; theirs: unknown };
  maxAbsDiff?: number;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === "number" && typeof b === "number") return Number.isNaN(a) && Number.isNaN(b);
  if (typeof a === "bigint" || typeof b === "bigint") return String(a) === String(b);
  if (typeof a === "string" && typeof b === "string") return a === b.replace(/\0+$/, "");
  if (typeof a === "boolean" || typeof b === "boolean") return Number(a) === Number(b);
  return false;
}

export function compareValues(ours: ArrayLike<unknown>, theirs: ArrayLike<unknown>): Comparison {
  const n = Math.min(ours.length, theirs.length);
  let differing = Math.abs(ours.length - theirs.length);
  let first: Comparison["first"];
  let maxAbsDiff: number | undefined;
  for (let i = 0; i < n; i++) {
    const a = ours[i];
    const b = theirs[i];
    if (same(a, b)) continue;
    differing++;
    first ??= { index: i, ours: a, theirs: b };
    if (typeof a === "number" && typeof b === "number")
      maxAbsDiff = Math.max(maxAbsDiff ?? 0, Math.abs(a - b));
  }
  return { equal: differing === 0, differing, first, maxAbsDiff };
}

export function describeComparison(c: Comparison, count: number, lengths?: [number, number]): string {
  if (c.equal) return `${count} values equal`;
  const parts = [`${c.differing} of ${count} values differ`];
  if (lengths && lengths[0] !== lengths[1]) parts.push(`lengths ${lengths[0]} vs ${lengths[1]}`);
  if (c.first)
    parts.push(
      `first at element ${c.first.index}: ${String(c.first.ours)} (references) vs ${String(c.first.theirs)} (file)`,
    );
  if (c.maxAbsDiff !== undefined) parts.push(`max |difference| ${c.maxAbsDiff}`);
  return parts.join("; ");
}
