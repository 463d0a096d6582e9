/**
 * The affine transform of the full-resolution image (ModelTransformation, or ModelTiepoint + ModelPixelScale),
 * and x/y pixel-centre coordinates of every level derived from it.
 */
import type { JsonObject } from "../../refs/model/index.js";

/** x = x0 + col * dx, y = y0 + row * dy at the top-left corner of pixel (col, row); no rotation. */
export interface GridTransform {
  x0: number;
  dx: number;
  y0: number;
  dy: number;
}

export type TransformResult = { ok: true; transform: GridTransform } | { ok: false; reason: string };

export function gridTransform(model: JsonObject, geoKeys: JsonObject): TransformResult {
  // PixelIsPoint: the tiepoint names the centre of the pixel, not its corner.
  const point = geoKeys.GTRasterTypeGeoKey === 2;
  const shift = point ? 0.5 : 0;
  const m = model.ModelTransformation as number[][] | undefined;
  if (m) {
    const [r0 = [], r1 = []] = m;
    if ((r0[1] ?? 0) !== 0 || (r1[0] ?? 0) !== 0)
      return { ok: false, reason: "rotated or sheared transform" };
    const dx = r0[0] ?? 0;
    const dy = r1[1] ?? 0;
    return { ok: true, transform: { x0: (r0[3] ?? 0) - shift * dx, dx, y0: (r1[3] ?? 0) - shift * dy, dy } };
  }
  const scale = model.ModelPixelScale as number[] | undefined;
  const tie = model.ModelTiepoint as number[] | undefined;
  if (!scale || !tie || tie.length < 6)
    return { ok: false, reason: "no ModelTransformation or tiepoint + pixel scale" };
  if (tie.length > 6) return { ok: false, reason: "several tiepoints (a warped grid)" };
  const [i = 0, j = 0, , x = 0, y = 0] = tie;
  const dx = scale[0] ?? 0;
  const dy = -(scale[1] ?? 0);
  if (dx === 0 || dy === 0) return { ok: false, reason: "zero pixel scale" };
  return { ok: true, transform: { x0: x - (i + shift) * dx, dx, y0: y - (j + shift) * dy, dy } };
}

/** Pixel-centre coordinates along one axis of a level `n` pixels long, when the full image is `full` long. */
export function centres(origin: number, step: number, full: number, n: number): Float64Array {
  const levelStep = (step * full) / n;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = origin + (i + 0.5) * levelStep;
  return out;
}
