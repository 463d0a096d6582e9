/** Shared by the TIFF predictor filters: dtype, chunk shape and axis from the codec config, checked. */
import { RefsError } from "../../errors.js";
import type { JsonObject } from "../../model/index.js";

export interface PredictorShape {
  itemsize: number;
  littleEndian: boolean;
  kind: string;
  /** Elements along the predicted axis. */
  run: number;
  /** Distance in elements between neighbours along that axis (product of the later dimensions). */
  stride: number;
  /** Element count of the whole chunk. */
  count: number;
}

export function predictorShape(config: JsonObject): PredictorShape {
  const id = String(config.id);
  const dtype = String(config.dtype ?? "");
  const shape = Array.isArray(config.shape) ? config.shape.map(Number) : [];
  const axisRaw = Number(config.axis ?? -1);
  const axis = axisRaw < 0 ? shape.length + axisRaw : axisRaw;
  const m = /^([<>|])([uif])(\d)$/.exec(dtype);
  if (!m || shape.length === 0 || axis < 0 || axis >= shape.length || Number(config.dist ?? 1) !== 1) {
    throw new RefsError(`${id}: unsupported configuration ${JSON.stringify(config)}`);
  }
  return {
    itemsize: Number(m[3]),
    littleEndian: m[1] !== ">",
    kind: m[2] as string,
    run: shape[axis] as number,
    stride: shape.slice(axis + 1).reduce((a, b) => a * b, 1),
    count: shape.reduce((a, b) => a * b, 1),
  };
}
