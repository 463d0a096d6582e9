/**
 * imagecodecs_floatpred (TIFF predictor 3, Adobe floating-point predictor): each run along `axis` holds the
 * values' bytes as planes, most significant first, byte-differenced with the distance of one element step.
 * Decode: undo the byte differences, then gather each value's bytes from the planes into the dtype's order.
 */
import { RefsError } from "../../errors.js";
import type { CodecFactory } from "./registry.js";
import { predictorShape } from "./tiff-array-shape.js";

export const tiffFloatPredCodec: CodecFactory = (config) => {
  const s = predictorShape(config);
  if (s.kind !== "f") throw new RefsError("imagecodecs_floatpred: needs a float dtype");
  return {
    decode(data) {
      const n = s.itemsize;
      if (data.length !== s.count * n) {
        throw new RefsError(
          `imagecodecs_floatpred: ${data.length} bytes for ${s.count} elements of ${n} bytes`,
        );
      }
      const out = new Uint8Array(data.length);
      const rowValues = s.run * s.stride; // a run along the axis with every later dimension interleaved
      const rowBytes = rowValues * n;
      const row = new Uint8Array(rowBytes);
      for (let start = 0; start < data.length; start += rowBytes) {
        row.set(data.subarray(start, start + rowBytes));
        for (let i = s.stride; i < rowBytes; i++)
          row[i] = ((row[i] as number) + (row[i - s.stride] as number)) & 0xff;
        for (let v = 0; v < rowValues; v++) {
          for (let b = 0; b < n; b++) {
            const plane = row[b * rowValues + v] as number; // plane b = byte b counted from the most significant
            out[start + v * n + (s.littleEndian ? n - 1 - b : b)] = plane;
          }
        }
      }
      return out;
    },
  };
};
