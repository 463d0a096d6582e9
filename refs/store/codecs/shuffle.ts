import type { JsonObject } from "../../model/index.js";
import type { Codec } from "./registry.js";

/**
 * numcodecs "shuffle" (HDF5 filter 2): byte b of every element is stored together. Trailing bytes that do not
 * fill a whole element are left in place, as numcodecs and HDF5 do.
 */
export function shuffleCodec(config: JsonObject): Codec {
  const size = typeof config.elementsize === "number" ? config.elementsize : 4;
  return {
    decode: (data) => transpose(data, size, false),
    encode: (data) => transpose(data, size, true),
  };
}

function transpose(data: Uint8Array, size: number, encode: boolean): Uint8Array {
  if (size <= 1) return data;
  const count = Math.floor(data.length / size);
  const out = new Uint8Array(data.length);
  for (let b = 0; b < size; b++) {
    const plane = b * count;
    for (let i = 0; i < count; i++) {
      if (encode) out[plane + i] = data[i * size + b] as number;
      else out[i * size + b] = data[plane + i] as number;
    }
  }
  out.set(data.subarray(count * size), count * size);
  return out;
}
