import { isMonotone } from "./axis.js";

/**
 * A longitude axis made continuous: each value is moved by a multiple of 360 so that it lies within 180 degrees
 * of the one before. A regional grid across the antimeridian (170..180, -180..-170) becomes 170..190, and a
 * 0..360 axis relabelled -180..180 without rolling (0..179, -180..-1) becomes 0..359.
 */
export function unwrapLongitudes(lon: Float64Array): Float64Array {
  const out = Float64Array.from(lon);
  for (let i = 1; i < out.length; i++) {
    const prev = out[i - 1] as number;
    const v = out[i] as number;
    out[i] = v - Math.round((v - prev) / 360) * 360;
  }
  return out;
}

/**
 * The longitude axis as the grid needs it (strictly monotone, at most one turn of the globe), or undefined when
 * no unwrapping makes it so. Axes that are monotone already are returned unchanged.
 */
export function monotoneLongitudes(lon: Float64Array): Float64Array | undefined {
  if (isMonotone(lon)) return lon;
  const unwrapped = unwrapLongitudes(lon);
  if (!isMonotone(unwrapped)) return undefined;
  const span = Math.abs((unwrapped[unwrapped.length - 1] as number) - (unwrapped[0] as number));
  // A full turn or more would put two columns on the same meridian.
  return span < 360 ? unwrapped : undefined;
}
