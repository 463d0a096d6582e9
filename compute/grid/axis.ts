/** Fractional index of `v` in a strictly monotone axis (ascending or descending); extrapolates past the ends. */
export function fractionalIndex(axis: Float64Array, v: number): number {
  const n = axis.length;
  if (n === 1) return 0;
  const first = axis[0] as number;
  const last = axis[n - 1] as number;
  const ascending = last > first;
  const before = ascending ? v < first : v > first;
  const after = ascending ? v > last : v < last;
  if (before) return (v - first) / ((axis[1] as number) - first);
  if (after) return n - 1 + (v - last) / (last - (axis[n - 2] as number));
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    const m = axis[mid] as number;
    if (ascending ? m <= v : m >= v) lo = mid;
    else hi = mid;
  }
  const a = axis[lo] as number;
  const b = axis[hi] as number;
  return lo + (v - a) / (b - a);
}

/** True when an axis is strictly monotone. */
export function isMonotone(axis: Float64Array): boolean {
  if (axis.length < 2) return true;
  const up = (axis[1] as number) > (axis[0] as number);
  for (let i = 1; i < axis.length; i++) {
    const d = (axis[i] as number) - (axis[i - 1] as number);
    if (up ? !(d > 0) : !(d < 0)) return false;
  }
  return true;
}

/** The constant step of an axis, or undefined when steps differ by more than `tolerance` of the step. */
export function regularStep(axis: Float64Array, tolerance = 1e-6): number | undefined {
  if (axis.length < 2) return undefined;
  const step = ((axis[axis.length - 1] as number) - (axis[0] as number)) / (axis.length - 1);
  for (let i = 1; i < axis.length; i++) {
    const d = (axis[i] as number) - (axis[i - 1] as number);
    if (Math.abs(d - step) > Math.abs(step) * tolerance + 1e-9) return undefined;
  }
  return step;
}
