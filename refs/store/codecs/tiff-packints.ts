/**
 * imagecodecs_packints for 1-bit samples (TIFF masks / bilevel images): each run of `runlen` values is packed
 * most significant bit first and padded to a whole byte; decode gives one byte (0 or 1) per value.
 */
import { RefsError } from "../../errors.js";
import type { CodecFactory } from "./registry.js";

export const tiffPackintsCodec: CodecFactory = (config) => {
  const runlen = Number(config.runlen ?? 0);
  if (config.bitspersample !== 1 || config.dtype !== "|u1" || !(runlen > 0)) {
    throw new RefsError(
      `imagecodecs_packints: only 1-bit samples to |u1 with runlen > 0 (got ${JSON.stringify(config)})`,
    );
  }
  const rowBytes = Math.ceil(runlen / 8);
  return {
    decode(data) {
      const rows = Math.floor(data.length / rowBytes);
      const out = new Uint8Array(rows * runlen);
      for (let r = 0; r < rows; r++) {
        for (let i = 0; i < runlen; i++) {
          const byte = data[r * rowBytes + (i >> 3)] as number;
          out[r * runlen + i] = (byte >> (7 - (i & 7))) & 1;
        }
      }
      return out;
    },
  };
};
