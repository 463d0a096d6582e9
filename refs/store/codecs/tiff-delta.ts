/**
 * imagecodecs_delta (TIFF predictor 2, horizontal differencing): decode is a running sum along `axis`,
 * wrapping like the integer dtype does.
 */
import { RefsError } from "../../errors.js";
import type { CodecFactory } from "./registry.js";
import { predictorShape } from "./tiff-array-shape.js";

export const tiffDeltaCodec: CodecFactory = (config) => {
  const s = predictorShape(config);
  if (s.kind === "f") throw new RefsError("imagecodecs_delta: float dtypes use imagecodecs_floatpred");
  const bits = BigInt(s.itemsize * 8);
  return {
    decode(data) {
      const out = data.slice();
      if (out.length !== s.count * s.itemsize) {
        throw new RefsError(
          `imagecodecs_delta: ${out.length} bytes for ${s.count} elements of ${s.itemsize} bytes`,
        );
      }
      const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
      const le = s.littleEndian;
      const get = (i: number): number | bigint =>
        s.itemsize === 1
          ? view.getUint8(i)
          : s.itemsize === 2
            ? view.getUint16(i * 2, le)
            : s.itemsize === 4
              ? view.getUint32(i * 4, le)
              : view.getBigUint64(i * 8, le);
      const set = (i: number, v: number | bigint) => {
        if (s.itemsize === 1) view.setUint8(i, Number(v) & 0xff);
        else if (s.itemsize === 2) view.setUint16(i * 2, Number(v) & 0xffff, le);
        else if (s.itemsize === 4) view.setUint32(i * 4, Number(v) >>> 0, le);
        else view.setBigUint64(i * 8, BigInt.asUintN(Number(bits), BigInt(v)), le);
      };
      const block = s.run * s.stride;
      for (let base = 0; base < s.count; base += block) {
        for (let k = 0; k < s.stride; k++) {
          for (let j = 1; j < s.run; j++) {
            const i = base + j * s.stride + k;
            const prev = get(i - s.stride);
            const cur = get(i);
            set(i, typeof cur === "bigint" ? cur + BigInt(prev) : cur + Number(prev));
          }
        }
      }
      return out;
    },
  };
};
